/**
 * The CSV reader (RFC 4180, through csv-parse): quoted fields may hold commas,
 * quotes ("") and line breaks; CRLF or LF; a byte-order mark is skipped. The
 * header row names the fields (the CSV names of compiler/fields.ts). Every row
 * after the header yields exactly one item, in order: a ragged row, a blank
 * row, a row with invalid UTF-8 or a row csv-parse cannot read is a problem
 * item naming its row and line.
 */
import { Parser, type CsvError, type Info } from 'csv-parse';
import { RECORD_FIELDS, type RecordField } from '../fields.ts';
import type { ReadItem } from './items.ts';
import { LINE_LIMITS } from './jsonl.ts';
import { Utf8Watch } from './utf8.ts';

const BY_HEADER = new Map<string, RecordField>(RECORD_FIELDS.map((f) => [f.csv.toLowerCase(), f]));

/** The value of one CSV cell for a field: numbers for numeric fields, a list for modifiers, else the text. Blank cells are absent. */
export function csvValue(field: RecordField | undefined, cell: string): unknown {
  return valueOf(field, cell.trim());
}

/** csvValue of a cell already trimmed. */
function valueOf(field: RecordField | undefined, v: string): unknown {
  if (field === undefined) return v;
  if (field.kind === 'modifiers') return v.startsWith('[') ? parseJsonOr(v) : modifierList(v);
  if ((field.kind === 'integer' || field.kind === 'number') && isDecimal(v)) return Number(v);
  return v;
}

/** Modifiers written in one cell, apart by white space, `|`, `;` or `,` (a cell of letters and digits only is one modifier). */
function modifierList(v: string): string[] {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return v.split(/[\s|;,]+/).filter(Boolean);
  }
  return [v];
}

/**
 * Is the text a decimal number as CSV cells write them: an optional sign, digits with an optional point (or a
 * point and digits), an optional exponent? The same as /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/, read once.
 */
export function isDecimal(v: string): boolean {
  const n = v.length;
  let at = 0;
  const sign = v.charCodeAt(0);
  if (sign === 43 || sign === 45) at++;
  const from = at;
  while (at < n && isDigit(v.charCodeAt(at))) at++;
  const whole = at - from;
  let fraction = 0;
  if (at < n && v.charCodeAt(at) === 46) {
    at++;
    while (at < n && isDigit(v.charCodeAt(at))) { at++; fraction++; }
  }
  if (whole === 0 && fraction === 0) return false;
  if (at < n && (v.charCodeAt(at) | 32) === 101) {
    at++;
    const s = v.charCodeAt(at);
    if (s === 43 || s === 45) at++;
    const exponent = at;
    while (at < n && isDigit(v.charCodeAt(at))) at++;
    if (at === exponent) return false;
  }
  return at === n;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text; // judged invalid: modifiers must be a list
  }
}

/** The record field each column of a header feeds (undefined for a column no field is named by: it is ignored, as unknown fields are). */
export function csvColumns(header: readonly string[]): (RecordField | undefined)[] {
  return header.map((h) => BY_HEADER.get(h.trim().toLowerCase()));
}

/** A CSV row as an input record: the cells of the record fields' columns; blank cells are absent. */
export function csvRecord(columns: readonly (RecordField | undefined)[], cells: readonly string[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) {
    const field = columns[i];
    if (field === undefined) continue;
    const cell = (cells[i] ?? '').trim();
    if (cell === '') continue;
    record[field.name] = valueOf(field, cell);
  }
  return record;
}

/**
 * csv-parse's stream, taking each row as it is parsed together with where it ends
 * (bytes and lines so far): rows and skipped rows then keep their order in one queue,
 * without csv-parse building an info object per row.
 */
class RowParser extends Parser {
  constructor(options: ConstructorParameters<typeof Parser>[0], private readonly onRow: (cells: string[], at: { bytes: number; lines: number }) => void) {
    super(options);
  }

  override push(chunk: unknown): boolean {
    if (chunk === null) return super.push(null);
    this.onRow(chunk as string[], this.info);
    return true;
  }
}

/** Read CSV records from a byte stream. */
export async function* readCsv(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<ReadItem> {
  for await (const batch of readCsvBatches(source)) yield* batch;
}

/** readCsv, the items of each chunk at once. */
export async function* readCsvBatches(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<ReadItem[]> {
  const queue: ReadItem[] = [];
  const utf8 = new Utf8Watch();
  let header: string[] | null = null;
  let columns: (RecordField | undefined)[] = [];
  let duplicate: string | null = null;
  let row = 0;
  let prevBytes = 0;
  let prevLine = 0;
  let failed: Error | null = null;

  function onRecord(cells: string[], info: { bytes: number; lines: number }): undefined {
    const line = prevLine + 1;
    const bad = utf8.take(prevBytes, info.bytes);
    prevBytes = info.bytes;
    prevLine = info.lines;
    if (header === null) {
      header = cells.map((h) => h.trim());
      columns = csvColumns(header);
      const seen = new Set<string>();
      for (const h of header) {
        const key = (BY_HEADER.get(h.toLowerCase())?.name ?? h).toLowerCase();
        if (seen.has(key) && h !== '') duplicate ??= h;
        seen.add(key);
      }
      if (bad !== -1) queue.push({ fault: `the header row (line ${line}) is not valid UTF-8: byte offset ${bad} of the file` });
      return undefined;
    }
    row++;
    let size = 0;
    for (const c of cells) size += c.length;
    if (bad === -1 && cells.length === header.length && duplicate === null && size <= LINE_LIMITS.bytes) {
      queue.push({ record: csvRecord(columns, cells) });
      return undefined;
    }
    const where = `row ${row} (line ${line})`;
    if (bad !== -1) queue.push({ problem: `${where} is not valid UTF-8: byte offset ${bad} of the file` });
    else if (cells.length === 1 && cells[0]!.trim() === '' && header.length > 1) queue.push({ problem: `${where} is blank` });
    else if (cells.length !== header.length) queue.push({ problem: `${where} has ${cells.length} field${cells.length === 1 ? '' : 's'}; the header has ${header.length}` });
    else if (duplicate !== null) queue.push({ problem: `${where}: the header names the column "${duplicate}" twice, so the row says two things` });
    else queue.push({ problem: `${where} is over the limit of ${LINE_LIMITS.bytes.toLocaleString('en-US')} bytes for one record` });
    return undefined;
  }

  function onSkip(err: CsvError | undefined): undefined {
    if (err === undefined) return undefined;
    const line = prevLine + 1;
    const info = err as unknown as Partial<Info>;
    prevLine = info.lines ?? prevLine;
    if (typeof info.bytes === 'number') utf8.take(prevBytes, info.bytes);
    prevBytes = info.bytes ?? prevBytes;
    if (header === null) {
      queue.push({ fault: `the header row (line ${line}) cannot be read: ${err.message}` });
      header = [];
      return undefined;
    }
    row++;
    const reason = err.code === 'CSV_QUOTE_NOT_CLOSED'
      ? 'opens a quoted field that is never closed, so the rest of the file is part of that one field'
      : `cannot be read: ${err.message}`;
    queue.push({ problem: `row ${row} (line ${line}) ${reason}` });
    return undefined;
  }

  const parser = new RowParser({
    relax_column_count: true, relax_quotes: true, skip_records_with_error: true, bom: true,
    // Rows end at CRLF or LF only: a lone CR is text (csv-parse would otherwise guess from the first one it meets).
    record_delimiter: ['\r\n', '\n'],
    on_skip: onSkip,
  }, onRecord);
  parser.on('error', (e) => { failed = e; });
  const finished = new Promise<void>((done) => { parser.once('finish', done); parser.once('error', () => done()); });
  parser.resume();
  for await (const raw of source) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    utf8.push(chunk);
    parser.write(chunk);
    // csv-parse reports records synchronously through the callbacks; wait only when it is behind.
    if (queue.length === 0 && parser.writableLength > 0) await new Promise((r) => setImmediate(r));
    if (queue.length > 0) yield queue.splice(0);
  }
  utf8.end();
  parser.end();
  await finished;
  if (queue.length > 0) yield queue.splice(0);
  if (failed !== null) yield [{ fault: `the CSV reader stopped: ${(failed as Error).message}` }];
}
