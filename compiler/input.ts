/**
 * Reading encounter files: JSON Lines and CSV, streamed line by line, with
 * the format detected from the content when not given. Every record of the
 * input becomes exactly one value for the validator; nothing is dropped
 * (a line that is not JSON is passed on as its text and judged invalid).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';

export type InputFormat = 'jsonl' | 'csv' | 'x12';

/** Guess the format from the first non-blank characters of the input. */
export function detectFormat(head: string): InputFormat {
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('{') || text.startsWith('[') || text.startsWith('"')) return 'jsonl';
  if (/^ISA[^A-Za-z0-9\s]/.test(text)) return 'x12';
  const firstLine = text.split(/\r?\n/)[0] ?? '';
  if (/,/.test(firstLine) && /claimId|procedureCode/i.test(firstLine)) return 'csv';
  return 'jsonl';
}

const NUMERIC_FIELDS = new Set(['lineNumber', 'units', 'minutes', 'amount']);

/** One CSV row split into cells (RFC 4180 quoting: "a,b" and "" for a quote). */
export function splitCsvRow(row: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < row.length; i++) {
    const c = row[i]!;
    if (quoted) {
      if (c === '"' && row[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { cells.push(cell); cell = ''; }
    else cell += c;
  }
  cells.push(cell);
  return cells;
}

/** A CSV row as an input record: header names as fields, numbers where the format has numbers, modifiers split on spaces, commas, | or ; (or written as a JSON list). */
export function csvRecord(header: readonly string[], cells: readonly string[]): Record<string, unknown> {
  const record: Record<string, unknown> = Object.create(null);
  header.forEach((h, i) => {
    const v = (cells[i] ?? '').trim();
    if (v === '') return;
    if (h === 'modifiers') record[h] = v.startsWith('[') ? parseJsonOr(v) : v.split(/[\s|;,]+/).filter(Boolean);
    else if (NUMERIC_FIELDS.has(h) && /^-?\d+(\.\d+)?$/.test(v)) record[h] = Number(v);
    else record[h] = v;
  });
  return record;
}

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text; // judged invalid: modifiers must be a list
  }
}

/**
 * The records of an input, in order: every line is one record (after a CSV's header row).
 * A line that is not JSON, a blank one included, is yielded as its text, to be judged invalid:
 * nothing in the input is silently dropped.
 */
export async function* readRecords(source: Readable, format: 'jsonl' | 'csv'): AsyncGenerator<unknown> {
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  let header: string[] | null = null;
  let first = true;
  for await (const rawLine of lines as AsyncIterable<string>) {
    const line: string = first ? rawLine.replace(/^\uFEFF/, '') : rawLine;
    first = false;
    if (format === 'csv') {
      if (header === null) {
        if (line.trim() !== '') header = splitCsvRow(line).map((h) => h.trim());
        continue;
      }
      yield line.trim() === '' ? line : csvRecord(header, splitCsvRow(line));
      continue;
    }
    try {
      yield JSON.parse(line);
    } catch {
      yield line;
    }
  }
}

/** Open a file (or standard input for "-") and read its first chunk to detect the format; the stream still yields everything. */
export async function openInput(path: string): Promise<{ stream: Readable; head: string; bytesRead: () => number }> {
  const source: Readable = path === '-' ? process.stdin : createReadStream(path);
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const first = await chunks.next();
  const head = first.done ? '' : String(first.value).slice(0, 4096);
  let bytes = 0;
  async function* all(): AsyncGenerator<Buffer | string> {
    for (let next = first; !next.done; next = await chunks.next()) {
      bytes += next.value.length;
      yield next.value;
    }
  }
  return { stream: Readable.from(all()), head, bytesRead: () => bytes };
}
