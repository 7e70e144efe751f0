/**
 * The JSON Lines reader: one record per line, read from bytes so that invalid
 * UTF-8 is caught with its offset. Each line yields exactly one item; a line
 * that cannot be read (not JSON, blank, too long, too deep, a key given twice,
 * invalid UTF-8) is a problem item, never the end of the file.
 */
import { firstInvalidUtf8 } from './utf8.ts';
import type { ReadItem } from './items.ts';
import { isAscii, isUtf8 } from 'node:buffer';

/** Limits on one input line; past them a line is one invalid record with its own message. */
export const LINE_LIMITS = {
  /** Bytes in one line (JSON Lines) or one record (CSV), line break excluded. */
  bytes: 1_048_576,
  /** Nesting of arrays and objects in one JSON line (a record needs 2). */
  depth: 64,
} as const;

const NL = 10;

/** Bytes of a chunk decoded at once (at most, unless one line is longer). */
const PIECE = 65536;

/**
 * Read JSON Lines from a byte stream. A final line break ends the last line
 * rather than starting another; a byte-order mark at the start is skipped.
 */
export async function* readJsonLines(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<ReadItem> {
  for await (const batch of readJsonLineBatches(source)) yield* batch;
}

/** readJsonLines, the items of each chunk at once (a record item carries its line's text). */
export async function* readJsonLineBatches(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<ReadItem[]> {
  let lineNo = 0;
  let offset = 0; // bytes of the input before the current chunk
  let lineStart = 0; // absolute offset of the current line's first byte
  let pending: Buffer[] = [];
  let pendingLength = 0;
  let tooLong = false; // the current line is past the limit: count it, keep none of it
  for await (const raw of source) {
    const batch: ReadItem[] = [];
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    let pos = 0;
    let nl = chunk.indexOf(NL, pos);
    // A line begun in an earlier chunk ends here.
    if (nl !== -1 && (pendingLength > 0 || tooLong)) {
      lineNo++;
      if (tooLong) batch.push(tooLongProblem(lineNo, pendingLength + (nl - pos)));
      else batch.push(judgeBytes(Buffer.concat([...pending, chunk.subarray(pos, nl)]), lineNo, lineStart));
      pending = [];
      pendingLength = 0;
      tooLong = false;
      pos = nl + 1;
      lineStart = offset + pos;
      nl = chunk.indexOf(NL, pos);
    }
    // Fast path: whole lines, a piece of the chunk at a time, that are ASCII (one character per byte)
    // or valid UTF-8 — decoded at once and split. A piece is at most PIECE bytes (unless one line is
    // longer): a longer text would be a large object, slower to make and to let go.
    const last = nl === -1 ? -1 : chunk.lastIndexOf(NL);
    while (nl !== -1) {
      let cut = last;
      if (cut - pos > PIECE) {
        cut = chunk.lastIndexOf(NL, pos + PIECE);
        if (cut < pos) cut = nl;
      }
      const block = chunk.subarray(pos, cut);
      const ascii = isAscii(block);
      if (!ascii && !isUtf8(block)) break;
      const lines = block.toString(ascii ? 'latin1' : 'utf8').split('\n');
      for (let k = 0; k < lines.length; k++) {
        const text = lines[k]!;
        // A line's bytes: its length for ASCII, and at most three bytes a character otherwise.
        batch.push(judgeText(text, ++lineNo, ascii || text.length * 3 <= LINE_LIMITS.bytes ? text.length : Buffer.byteLength(text)));
      }
      pos = cut + 1;
      lineStart = offset + pos;
      nl = pos > last ? -1 : chunk.indexOf(NL, pos);
    }
    // Slow path, line by line, naming the offset of bad bytes.
    while (nl !== -1) {
      lineNo++;
      batch.push(judgeBytes(chunk.subarray(pos, nl), lineNo, lineStart));
      pos = nl + 1;
      lineStart = offset + pos;
      nl = chunk.indexOf(NL, pos);
    }
    if (pos < chunk.length) {
      const rest = chunk.subarray(pos);
      pendingLength += rest.length;
      if (pendingLength > LINE_LIMITS.bytes + 1) { tooLong = true; pending = []; }
      else pending.push(Buffer.from(rest)); // copy: the chunk's memory may be reused
    }
    offset += chunk.length;
    if (batch.length > 0) yield batch;
  }
  if (pendingLength > 0) {
    lineNo++;
    yield [tooLong ? tooLongProblem(lineNo, pendingLength) : judgeBytes(Buffer.concat(pending), lineNo, lineStart)];
  }
}

function tooLongProblem(lineNo: number, length: number): ReadItem {
  return { problem: `line ${lineNo} is ${length.toLocaleString('en-US')} bytes long, over the limit of ${LINE_LIMITS.bytes.toLocaleString('en-US')} bytes for one line` };
}

function judgeBytes(bytes: Buffer, lineNo: number, lineStart: number): ReadItem {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 13) end--;
  if (end > LINE_LIMITS.bytes) return tooLongProblem(lineNo, end);
  const bad = firstInvalidUtf8(bytes, 0, end);
  if (bad !== -1) return { problem: `line ${lineNo} is not valid UTF-8: byte offset ${lineStart + bad} of the file (0x${bytes[bad]!.toString(16).padStart(2, '0')})` };
  // The line ending's CR is left for judgeText to take off, as it does for lines decoded a block at a time.
  return judgeText(bytes.toString('utf8'), lineNo, bytes.length);
}

/** One line's text (valid UTF-8, `byteLength` bytes, a final CR included) as an item. */
export function judgeText(line: string, lineNo: number, byteLength: number): ReadItem {
  let text = line;
  if (line.charCodeAt(line.length - 1) === 13) {
    text = line.slice(0, -1);
    byteLength--;
  }
  if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte-order mark
  if (byteLength > LINE_LIMITS.bytes) return tooLongProblem(lineNo, byteLength);
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (e) {
    // Blank text is never JSON: it is told apart only once JSON.parse has refused it.
    if (text.trim() === '') return { problem: `line ${lineNo} is blank; a record is one JSON object` };
    return { problem: `line ${lineNo} is not JSON: ${(e as Error).message}` };
  }
  if (record !== null && typeof record === 'object' && !plainRecord(text, record)) {
    const fault = scanJson(text);
    if (fault !== null) return { problem: `line ${lineNo} ${fault}`, ...idsOf(record) };
  }
  return { record, text };
}

function idsOf(record: object): { claimId?: string; lineNumber?: number } {
  if (Array.isArray(record)) return {};
  const r = record as Record<string, unknown>;
  const ids: { claimId?: string; lineNumber?: number } = {};
  if (Object.hasOwn(r, 'claimId') && typeof r.claimId === 'string') ids.claimId = r.claimId;
  if (Object.hasOwn(r, 'lineNumber') && typeof r.lineNumber === 'number' && Number.isFinite(r.lineNumber)) ids.lineNumber = r.lineNumber;
  return ids;
}

/**
 * A quick proof that parsed text has no duplicate key and is not too deep, for the usual
 * record: the parsed value is within the depth limit (its nesting is the text's), and the
 * text has as many colons as the value has keys (every key is followed by a colon, so a
 * repeated key would leave more colons than keys). False means "not proven": scanJson decides.
 */
function plainRecord(text: string, value: object): boolean {
  const keys = countKeys(value, 1);
  if (keys === -1) return false;
  let colons = 0;
  for (let i = text.indexOf(':'); i !== -1; i = text.indexOf(':', i + 1)) colons++;
  return colons === keys;
}

/** Keys of every object in a parsed value at nesting `depth` (1 for the line's value), or -1 past the depth limit. */
function countKeys(value: object, depth: number): number {
  if (depth > LINE_LIMITS.depth) return -1;
  let n = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v === null || typeof v !== 'object') continue;
      const inner = countKeys(v, depth + 1);
      if (inner === -1) return -1;
      n += inner;
    }
    return n;
  }
  for (const k in value) {
    n++;
    const v = (value as Record<string, unknown>)[k];
    if (v === null || typeof v !== 'object') continue;
    const inner = countKeys(v, depth + 1);
    if (inner === -1) return -1;
    n += inner;
  }
  return n;
}

const QUOTE = 34;
const BACKSLASH = 92;

/**
 * Checks valid JSON text for what JSON.parse lets pass: nesting past the limit and an
 * object key given twice (JSON.parse keeps the last silently). Returns the fault, or null.
 * Strings are skipped with indexOf, so the cost is per token, not per character.
 */
export function scanJson(text: string): string | null {
  const keys: (Set<string> | null)[] = []; // per open container: its keys so far (null for arrays)
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let j = text.indexOf('"', i + 1);
      while (j !== -1 && escaped(text, j)) j = text.indexOf('"', j + 1);
      if (j === -1) return null; // not reached for text JSON.parse accepted
      if (expectKey) {
        const raw = text.slice(i + 1, j);
        const key = raw.includes('\\') ? (JSON.parse(text.slice(i, j + 1)) as string) : raw;
        const seen = keys[keys.length - 1]!;
        if (seen.has(key)) return `has the key ${JSON.stringify(key)} twice; a record must say each thing once`;
        seen.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (keys.length >= LINE_LIMITS.depth) return `nests arrays and objects deeper than ${LINE_LIMITS.depth} levels, the limit for one line`;
      keys.push(c === 123 ? new Set() : null);
      expectKey = c === 123;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      keys.pop();
      expectKey = false;
    } else if (c === 44 /* , */) {
      expectKey = keys[keys.length - 1] !== null;
    }
  }
  return null;
}

/** Is the quote at `j` escaped (preceded by an odd number of backslashes)? */
function escaped(text: string, j: number): boolean {
  let n = 0;
  for (let k = j - 1; text.charCodeAt(k) === BACKSLASH; k--) n++;
  return n % 2 === 1;
}
