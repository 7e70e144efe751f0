/**
 * Rule files as loaded YAML, with the one adapter that turns a place in the
 * data (a path of keys and indexes, optionally an offset inside a scalar) into
 * file:line:column. Checks name places by path; only this file knows ranges.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { Diagnostic, DiagnosticCode } from './diagnostics.ts';

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

export interface SourceFile {
  /** The path as shown in diagnostics. */
  path: string;
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
  /** The file's data as plain JSON values (undefined when the YAML is broken). */
  data: unknown;
}

/** Parse one rule file. YAML problems come back as diagnostics; the file is still returned. */
export function loadSource(path: string, text: string): { file: SourceFile; diagnostics: Diagnostic[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, schema: 'core' });
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

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** The YAML node at a path, and the key node of the pair that holds it (if any). */
export function nodeAt(file: SourceFile, path: DataPath): { node: Node | null; keyNode: Node | null } {
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
