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
