/**
 * Rule files as loaded YAML, with the one adapter that turns a place in the
 * data (a path of keys and indexes, optionally an offset inside a scalar) into
 * file:line:column. Checks name places by path; only this file knows ranges.
 */
import { createRequire } from 'node:module';
import type { Alias, CST, Document, LineCounter, Node, Pair } from 'yaml';
import type { Diagnostic, DiagnosticCode } from './diagnostics.ts';
import { decoder, earlyProblem, RULE_FILE_LIMITS, type EarlyProblem } from './file-limits.ts';
import { readPlainYaml } from './plain-yaml.ts';

export { RULE_FILE_LIMITS };

/**
 * The `yaml` package, loaded the first time a file needs it: rule files in plain YAML are read without it
 * (plain-yaml.ts) until a diagnostic needs the places of their nodes.
 */
let yamlModule: typeof import('yaml') | undefined;
function yaml(): typeof import('yaml') {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));
}

/** A path into a rule file's data: mapping keys and sequence indexes. */
export type DataPath = readonly (string | number)[];

/** A place in a rule file, as checks name it. `key: true` points at a mapping key rather than its value. */
export interface Place {
  file: SourceFile;
  path: DataPath;
  key?: boolean;
  /** Character offsets inside the scalar's value (for expression tokens). */
  span?: { start: number; end: number };
}

/** One rule file as read. */
export interface SourceFile {
  /** The path as shown in diagnostics. */
  path: string;
  text: string;
  /** The YAML document, for the places of nodes (for a file the quick reader read, parsed on first use). */
  doc: Document.Parsed;
  /** Line starts, to turn offsets into line and column (likewise). */
  lines: LineCounter;
  /** The file's data as plain JSON values (undefined when the YAML is broken). */
  data: unknown;
}

/**
 * Parse one rule file, given as its bytes (read from disk: `size` is its full
 * size, of which at most the limit + 1 bytes were read) or as text. Problems
 * come back as diagnostics — the size limit, the encoding (UTF-8 only), YAML
 * nesting, then YAML syntax — and the file is still returned.
 */
export function loadSource(path: string, input: string | Uint8Array, size?: number): { file: SourceFile; diagnostics: Diagnostic[] } {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const early = earlyProblem(bytes, size ?? bytes.length);
  const text = early?.code === 'file-too-large' ? decoder.decode(bytes.subarray(0, RULE_FILE_LIMITS.maxBytes)) : typeof input === 'string' ? input : decoder.decode(bytes);
  const plain = early ? undefined : readPlainYaml(text);
  if (plain) return { file: plainFile(path, text, plain.data), diagnostics: [] };
  return parseFully(path, text, early);
}

/**
 * A file the quick reader read: its data now, its YAML document and line table parsed (by the full parser,
 * which finds no mistake in it) the first time a diagnostic or a check needs them.
 */
function plainFile(path: string, text: string, data: unknown): SourceFile {
  let parsed: SourceFile | undefined;
  const full = (): SourceFile => (parsed ??= parseFully(path, text, undefined).file);
  return {
    path,
    text,
    data,
    get doc() {
      return full().doc;
    },
    get lines() {
      return full().lines;
    },
  };
}

/**
 * The full parse of a rule file's text (what loadSource does for a file the quick reader declines): YAML
 * nesting while the syntax tree is built, then syntax, aliases, and the data.
 */
export function parseSource(path: string, text: string): { file: SourceFile; diagnostics: Diagnostic[] } {
  return parseFully(path, text, undefined);
}

function parseFully(path: string, text: string, early: EarlyProblem | undefined): { file: SourceFile; diagnostics: Diagnostic[] } {
  const { Composer, LineCounter } = yaml();
  const lines = new LineCounter();
  // The concrete syntax tree is built with a stack (but pops it recursively), and composing it into a document
  // recurses once per level of nesting: the nesting is checked while the tree is built, and again before composing.
  const parsed = early ? { tokens: [], problem: undefined } : parseTokens(text, lines);
  const tokens = parsed.tokens;
  const problem = early ?? parsed.problem ?? yamlNestingProblem(tokens);
  if (problem) {
    if (early) {
      lines.addNewLine(0);
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
    }
    const file: SourceFile = { path, text, doc: new Composer().compose([], true, 0).next().value as Document.Parsed, lines, data: undefined };
    return { file, diagnostics: [diagnosticAtOffsets(file, problem.at, problem.at + 1, problem.code, problem.message, problem.hint)] };
  }
  const doc = composeOne(tokens, text.length);
  const file: SourceFile = { path, text, doc, lines, data: undefined };
  const diagnostics: Diagnostic[] = [];
  for (const err of doc.errors) {
    const duplicate = err.code === 'DUPLICATE_KEY';
    const code: DiagnosticCode = duplicate ? 'duplicate-key' : 'yaml-syntax';
    const keyText = duplicate ? (/^["']?([^"':,{}\[\]\s]+)/.exec(text.slice(err.pos[0]))?.[1] ?? '') : '';
    diagnostics.push(
      diagnosticAtOffsets(file, err.pos[0], Math.max(err.pos[1], err.pos[0] + 1), code,
        duplicate ? `duplicate key "${keyText}" in this mapping` : firstLine(err.message),
        duplicate
          ? `each key may appear once per mapping; remove or rename the second "${keyText}"`
          : 'check indentation, colons and quotes on this line',
      ),
    );
    if (duplicate || diagnostics.length > 0) break; // one mistake, one error: later YAML errors usually cascade
  }
  const aliased = diagnostics.length === 0 ? aliasNestingProblem(doc) : undefined;
  if (aliased) diagnostics.push(diagnosticAtOffsets(file, aliased.at, aliased.at + 1, aliased.code, aliased.message, aliased.hint));
  if (diagnostics.length === 0) {
    try {
      file.data = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      // Aliases expanding past the limit (a "billion laughs" file) or an alias to nothing.
      diagnostics.push(diagnosticAtOffsets(file, 0, 1, 'yaml-syntax', firstLine((err as Error).message), 'rule files should not need YAML aliases (*name); write the values out'));
    }
  }
  return { file, diagnostics };
}

/** The first document of the parsed tokens, as `parseDocument` composes it (a second document is an error). */
function composeOne(tokens: readonly CST.Token[], length: number): Document.Parsed {
  const { Composer, YAMLParseError } = yaml();
  const composer = new Composer({ uniqueKeys: true, prettyErrors: false, schema: 'core' });
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
      break;
    }
  }
  return doc!;
}

/**
 * The concrete syntax tree, fed one lexical token at a time so the nesting can
 * be watched as it grows: the parser pops its stack recursively, so it stops
 * as soon as more collections than the limit are open.
 */
function parseTokens(text: string, lines: LineCounter): { tokens: CST.Token[]; problem: EarlyProblem | undefined } {
  const max = RULE_FILE_LIMITS.maxYamlDepth;
  const { Lexer, Parser } = yaml();
  const parser = new Parser(lines.addNewLine);
  const tokens: CST.Token[] = [];
  lines.addNewLine(0); // as Parser.parse() does before its first token
  for (const lexeme of new Lexer().lex(text)) {
    for (const tok of parser.next(lexeme)) tokens.push(tok);
    if (parser.stack.length <= max) continue;
    const open = parser.stack.filter((t) => t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection');
    if (open.length > max) return { tokens, problem: { at: open[max]!.offset, code: 'yaml-too-deep', message: tooDeepMessage(max + 1), hint: TOO_DEEP_HINT } };
  }
  for (const tok of parser.end()) tokens.push(tok);
  return { tokens, problem: undefined };
}

const tooDeepMessage = (depth: number): string => `mappings and lists nest ${depth} levels deep here; the limit is ${RULE_FILE_LIMITS.maxYamlDepth}`;
const TOO_DEEP_HINT = 'rule files nest a few levels (section, entry, field); flatten the data or split it';

/**
 * YAML nesting, on the parser's concrete syntax tree (built without recursion),
 * before the document is composed (which recurses once per level).
 */
function yamlNestingProblem(tokens: readonly CST.Token[]): EarlyProblem | undefined {
  const max = RULE_FILE_LIMITS.maxYamlDepth;
  const stack: [CST.Token | null | undefined, number][] = tokens.map((t) => [t, 0]);
  while (stack.length > 0) {
    const [tok, depth] = stack.pop()!;
    if (!tok) continue;
    if (tok.type === 'document') stack.push([tok.value, depth]);
    else if (tok.type === 'block-map' || tok.type === 'block-seq' || tok.type === 'flow-collection') {
      if (depth + 1 > max) return { at: tok.offset, code: 'yaml-too-deep', message: tooDeepMessage(depth + 1), hint: TOO_DEEP_HINT };
      for (const item of tok.items) stack.push([item.key, depth + 1], [item.value, depth + 1]);
    }
  }
  return undefined;
}

/**
 * Nesting once aliases are followed: an alias repeats its anchor's data, so
 * aliases inside aliases nest deeper than the text shows, and an alias inside
 * the collection it names nests without end.
 */
function aliasNestingProblem(doc: Document.Parsed): EarlyProblem | undefined {
  const { isAlias, isMap, isPair, isSeq } = yaml();
  const max = RULE_FILE_LIMITS.maxYamlDepth;
  const height = new Map<unknown, number>();
  const childrenOf = (n: unknown): unknown[] => {
    if (isAlias(n)) return [n.resolve(doc)];
    if (isPair(n)) return [n.key, n.value];
    if (isMap(n) || isSeq(n)) return n.items;
    return [];
  };
  const work: [unknown, boolean][] = [[doc.contents, false]];
  while (work.length > 0) {
    const [n, done] = work.pop()!;
    if (done) {
      const h = Math.max(0, ...childrenOf(n).map((c) => (c && typeof c === 'object' ? height.get(c) ?? Infinity : 0)));
      height.set(n, Math.min(Infinity, h + (isMap(n) || isSeq(n) ? 1 : 0)));
    } else if (n && typeof n === 'object' && !height.has(n)) {
      height.set(n, Infinity); // in progress: met again before it is done means a cycle
      work.push([n, true]);
      for (const c of childrenOf(n)) if (c && typeof c === 'object' && !height.has(c)) work.push([c, false]);
    }
  }
  if ((height.get(doc.contents) ?? 0) <= max) return undefined;
  // Follow the deepest path down to where it passes the limit, and blame the last alias on the way.
  let node: unknown = doc.contents;
  let depth = 0;
  let alias: Alias | undefined;
  for (let steps = 0; node && steps < 10 * max; steps++) {
    if (isAlias(node)) alias = node;
    if (isMap(node) || isSeq(node)) depth++;
    if (depth > max) break;
    const kids = childrenOf(node).filter((c) => c && typeof c === 'object');
    node = kids.reduce((a, b) => ((height.get(b) ?? 0) > (height.get(a) ?? 0) ? b : a), kids[0]);
  }
  const total = height.get(doc.contents)!;
  const at = (alias ?? (node as Node | undefined))?.range?.[0] ?? 0;
  const name = alias ? `alias *${alias.source}` : 'this';
  return {
    at,
    code: 'yaml-too-deep',
    message: total === Infinity ? `${name} is inside the data it repeats, so it nests without end` : `${name} makes mappings and lists nest ${total} levels deep; the limit is ${max}`,
    hint: 'rule files should not need YAML aliases (*name); write the values out',
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** The YAML node at a path, and the key node of the pair that holds it (if any). */
export function nodeAt(file: SourceFile, path: DataPath): { node: Node | null; keyNode: Node | null } {
  const { isMap, isPair, isScalar, isSeq } = yaml();
  let node: unknown = file.doc.contents;
  let keyNode: Node | null = null;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((p: Pair) => isScalar(p.key) && String(p.key.value) === String(step));
      if (!pair) return { node: node as Node, keyNode: null };
      keyNode = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof step === 'number' && node.items[step] !== undefined) {
      keyNode = null;
      node = node.items[step];
    } else {
      break;
    }
  }
  if (isPair(node)) node = node.value;
  return { node: (node as Node | null) ?? null, keyNode };
}

/** Offsets [start, end) in the file text of a place. */
export function offsetsOf(place: Place): [number, number] {
  const { isScalar } = yaml();
  const { node, keyNode } = nodeAt(place.file, place.path);
  const target = place.key && keyNode ? keyNode : (node ?? keyNode);
  const range = target?.range;
  if (!range) return [0, 1];
  if (place.span && isScalar(target)) {
    const map = scalarOffsetMap(place.file.text, target);
    const start = map[Math.min(place.span.start, map.length - 1)]!;
    const end = map[Math.min(place.span.end, map.length - 1)]!;
    return [start, Math.max(end, start + 1)];
  }
  return [range[0], Math.max(range[1], range[0] + 1)];
}

/**
 * For each character offset in a scalar's value, the offset in the file text.
 * Works for plain, quoted and block scalars: non-blank characters are matched
 * in order; blanks (which folding may have changed) map to where the matcher stands.
 */
function scalarOffsetMap(text: string, node: Node): number[] {
  const value = String((node as { value: unknown }).value ?? '');
  const [from, to] = node.range!;
  let p = from;
  const first = text[from];
  if (first === '"' || first === "'") p = from + 1;
  else if (first === '|' || first === '>') p = text.indexOf('\n', from) + 1 || to;
  const map: number[] = [];
  for (const c of value) {
    if (/\s/.test(c)) {
      map.push(p);
      continue;
    }
    let q = p;
    while (q < to && text[q] !== c) q++;
    if (q >= to) q = p; // could not align (escapes): stay where we are
    map.push(q);
    p = q + 1;
  }
  map.push(p);
  return map;
}

/** Build a diagnostic for a place (the one way checks report problems). */
export function diagnosticAt(
  place: Place,
  code: DiagnosticCode,
  message: string,
  hint: string,
  severity: 'error' | 'warning' = 'error',
): Diagnostic {
  const [start, end] = offsetsOf(place);
  return diagnosticAtOffsets(place.file, start, end, code, message, hint, severity);
}

function diagnosticAtOffsets(
  file: SourceFile,
  start: number,
  end: number,
  code: DiagnosticCode,
  message: string,
  hint: string,
  severity: 'error' | 'warning' = 'error',
): Diagnostic {
  const a = file.lines.linePos(Math.min(start, file.text.length));
  const b = file.lines.linePos(Math.min(end, file.text.length));
  return { code, severity, message, hint, file: file.path, line: a.line, col: a.col, endLine: b.line, endCol: b.col };
}

/** A diagnostic about a file as a whole (reading it, or something missing from all files). */
export function fileDiagnostic(path: string, code: DiagnosticCode, message: string, hint: string): Diagnostic {
  return { code, severity: 'error', message, hint, file: path, line: 1, col: 1, endLine: 1, endCol: 1 };
}

/** "file:line" of a place, for messages that mention another declaration. */
export function whereIs(place: Place): string {
  const [start] = offsetsOf(place);
  return `${place.file.path}:${place.file.lines.linePos(start).line}`;
}

/** The text a place has in its file, as written (e.g. `1.0`, where the parsed value is 1). */
export function sourceText(place: Place): string {
  const [start, end] = offsetsOf(place);
  return place.file.text.slice(start, end);
}
