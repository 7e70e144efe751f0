/**
 * Diagnostics are data. Every phase returns them; none throws on bad input.
 *
 * One catalogue of codes lives here, so the codes stay stable and each has a
 * one-line summary of what it means.
 */

/** A position in a file: 1-based line and column. */
export interface Position {
  line: number;
  col: number;
}

/** A problem in a rule file (or an input the compiler was given). */
export interface Diagnostic {
  /** Stable kebab-case code from {@link DIAGNOSTIC_CODES}. */
  code: DiagnosticCode;
  severity: 'error' | 'warning';
  message: string;
  /** A plain-words suggestion of how to fix it. */
  hint: string;
  /** Path of the file, relative to the working directory when possible. */
  file: string;
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

/** The codes only a plan profile file can cause (compiler/profile/profile.ts); part of {@link DIAGNOSTIC_CODES}. */
export const PROFILE_DIAGNOSTIC_CODES = {
  'unknown-choice': 'a plan profile names a choice the rule files do not declare',
  'profile-mismatch': 'a plan profile is written for another guidance',
} as const;

/** Every diagnostic code the compiler can report, with what it means. */
export const DIAGNOSTIC_CODES = {
  'read-error': 'a rule folder or file could not be read',
  'no-rules': 'the rule folder holds no version with rule files',
  'unknown-version': 'the requested version is not in the rule folder',
  'yaml-syntax': 'the file is not well-formed YAML',
  'duplicate-key': 'a YAML mapping repeats a key',
  'unknown-key': 'a key the rule-file format does not have',
  'missing-key': 'a required key is absent',
  'wrong-type': 'a value has the wrong type',
  'bad-value': 'a value is not one of the allowed values or does not have the allowed form',
  'guidance-missing': 'no file declares the `guidance` section',
  'guidance-repeated': 'more than one file declares the `guidance` section',
  'guidance-mismatch': 'the guidance id or version differs from the folder it lives in',
  'duplicate-name': 'two declarations share one name',
  'unknown-base': 'an edition extends an edition that is not in the guidance folder',
  'extends-cycle': 'editions extend each other in a circle',
  'already-defined': 'an edition adds what the edition it extends already has (a change belongs under `changes:`)',
  'change-missing': 'an edition changes or removes what the edition it extends does not have',
  'expr-lex': 'an expression holds a character the language does not use',
  'expr-syntax': 'an expression is not well-formed',
  'unknown-name': 'an expression names a field, set or date that does not exist',
  'unknown-function': 'an expression calls a function that does not exist',
  'wrong-arity': 'a function is called with the wrong number of arguments',
  'type-mismatch': 'an operand has the wrong type',
  'nullable-condition': 'a condition (and, or, not, if, when, any, count) may be null; conditions must be true or false',
  'unknown-value': 'a comparison uses a value no catalogue entry has (e.g. an unknown service)',
  'other-outside-aggregate': '`other.` is used outside any()/count()',
  'unknown-group': 'a rule names a group that is not declared',
  'unknown-modifier': 'a modifier is not declared in the guidance\'s `modifiers`',
  'bad-code': 'a HCPCS code is not five characters of the HCPCS form',
  'unknown-combination': 'a code pattern names no catalogue entry',
  'overlapping-entries': 'two catalogue entries claim one code + modifiers on overlapping dates',
  'bad-dates': 'an entry retires on or before it takes effect',
  'unknown-unit': 'an entry names a unit basis that is not declared',
  'unknown-category': 'a rule names a category that is not declared',
  'banding-start': 'a banding does not start at 0 minutes',
  'banding-gap': 'a banding leaves minutes that fall in no band',
  'banding-overlap': 'two bands of a banding claim the same minutes',
  'missing-citation': 'a rule, entry, set, banding or date has no citation',
  'unknown-template-field': 'a message template names a field that does not exist',
  'rule-never-applies': 'a rule\'s condition is false for every catalogue entry (a warning)',
  'example-field': 'an example names an expected field or outcome that does not exist',
  'example-failed': 'an example does not come out as its `expect` says',
  'choice-overlap': 'a combination is an alternative of more than one plan choice (or twice in one)',
  'unknown-alternative': 'a plan choice\'s default or a profile selects an alternative the choice does not have',
  ...PROFILE_DIAGNOSTIC_CODES,
  // Limits and file-system edges, checked where the input is first read (README, "Limits")
  'expr-too-deep': 'an expression nests operators, brackets or calls deeper than the limit',
  'expr-too-long': 'an expression has more tokens than the limit',
  'yaml-too-deep': 'a rule file nests mappings and lists deeper than the limit',
  'file-too-large': 'a rule file is larger than the limit',
  'bad-encoding': 'a rule file is not UTF-8 text',
  'not-a-file': 'a rule file is a FIFO, device, socket, folder or link to nothing, and is not read',
  'skipped-entry': 'an entry of a guidance folder cannot be read and is skipped; the editions beside it are read (a warning)',
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/** Print a diagnostic the way compilers do: `path:line:col: error CODE message`, then the hint. */
export function formatDiagnostic(d: Diagnostic): string {
  const head = `${d.file}:${d.line}:${d.col}: ${d.severity} ${d.code} ${d.message}`;
  return d.hint ? `${head}\n  hint: ${d.hint}` : head;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Sort by file, then position, then code: a stable order for output and golden files. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort(
    (a, b) =>
      cmp(a.file, b.file) || a.line - b.line || a.col - b.col || cmp(a.code, b.code) || cmp(a.message, b.message),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Edit distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/**
 * The closest candidate to `word` (case-insensitive), if one is close enough to be a likely misspelling.
 * On a tie the earlier candidate wins: callers list the likelier ones first.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

/** "did you mean X?" when there is a near miss, else the fallback advice. */
export function didYouMean(word: string, candidates: Iterable<string>, fallback: string): string {
  const list = [...candidates];
  const near = closest(word, list);
  if (near !== undefined) return `did you mean ${near}?`;
  return fallback;
}

/**
 * One mistake, one error: the same error (code and message) at several places — a misspelt date or set
 * name used in N expressions — becomes one diagnostic at the first place that lists the others.
 */
export function mergeRepeats(diagnostics: Diagnostic[]): Diagnostic[] {
  const first = new Map<string, Diagnostic & { also: string[] }>();
  const out: (Diagnostic & { also: string[] })[] = [];
  for (const d of sortDiagnostics([...diagnostics])) {
    const key = `${d.severity}\0${d.code}\0${d.message}`;
    const seen = first.get(key);
    if (seen) { seen.also.push(`${d.file}:${d.line}:${d.col}`); continue; }
    const kept = { ...d, also: [] as string[] };
    first.set(key, kept);
    out.push(kept);
  }
  return out.map(({ also, ...d }) => (also.length === 0 ? d : { ...d, message: `${d.message} (also at ${also.join(', ')})` }));
}
