/**
 * Procedure codes and modifiers, defined once: the catalogue check, the
 * expression lexer and the record check all use these forms.
 *
 * - HCPCS Level II: a letter and four digits (`T2040`, `G9008`).
 * - CPT Category I: five digits (`99213`, `00100`).
 * - CPT Category II and III: four digits and `F` or `T` (`0001F`, `0042T`).
 */

/** The source of the code pattern, for building larger patterns (the lexer's code-pattern token). */
export const CODE_SOURCE = '(?:[A-Z][0-9]{4}|[0-9]{4}[FT0-9])';
/** The source of the modifier pattern: two letters or digits. */
export const MODIFIER_SOURCE = '[A-Z0-9]{2}';

const CODE = new RegExp(`^${CODE_SOURCE}$`);
const MODIFIER = new RegExp(`^${MODIFIER_SOURCE}$`);

/** Is `text` (already upper-cased) a HCPCS Level II or CPT code? */
export function isProcedureCode(text: string): boolean {
  return CODE.test(text);
}

/** Is `text` (already upper-cased) a modifier? */
export function isModifier(text: string): boolean {
  return MODIFIER.test(text);
}

/**
 * The key of a code and modifiers: the code, then the modifiers sorted, joined by ":" (`G9008:GQ:U1`).
 * The `combination` value of a line, the bundle's lookup key and code patterns all use it.
 */
export function combinationKey(code: string, modifiers: readonly string[]): string {
  return modifiers.length === 0 ? code : [code, ...[...modifiers].sort()].join(':');
}

/** A code pattern as written in expressions and sets: a code, then `:modifier` for each defining modifier (`T2040:U6`, `99213:U6`). */
export const CODE_PATTERN_SOURCE = `${CODE_SOURCE}(?::${MODIFIER_SOURCE})*`;
const CODE_PATTERN = new RegExp(`^${CODE_PATTERN_SOURCE}$`);

/** Is `text` a code pattern? */
export function isCodePattern(text: string): boolean {
  return CODE_PATTERN.test(text);
}

/** A code pattern as its combination key (modifiers sorted). */
export function patternKey(pattern: string): string {
  const [code, ...mods] = pattern.split(':');
  return combinationKey(code!, mods);
}

/**
 * A code pattern as the expression lexer reads it. Five digits alone are a number (`amount > 10000`), so a
 * Category I CPT code is a code pattern when it has a modifier (`99213:U6`); compare a bare one as text
 * (`procedureCode == "99213"`).
 */
export const EXPRESSION_CODE_PATTERN_SOURCE =
  `(?:[A-Z][0-9]{4}(?::${MODIFIER_SOURCE})*|[0-9]{4}[FT](?::${MODIFIER_SOURCE})*|[0-9]{5}(?::${MODIFIER_SOURCE})+)(?![A-Za-z0-9_])`;
