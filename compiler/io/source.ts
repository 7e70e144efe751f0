/**
 * Opening an encounter file (or standard input) as a stream of byte chunks,
 * counting the bytes read for the progress line, and telling its format from
 * the first bytes when --format is not given.
 */
import { closeSync, createReadStream, openSync, statSync, writeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ReadItem } from './items.ts';
import { readCsv, readCsvBatches } from './csv.ts';
import { readJsonLineBatches, readJsonLines } from './jsonl.ts';
import { readX12, readX12Batches } from './x12.ts';
import { ShardFolder } from './shards.ts';

/** The input formats `validate` reads. */
export type InputFormat = 'jsonl' | 'csv' | 'x12';

/** The input formats, for --format. */
export const INPUT_FORMATS: readonly InputFormat[] = ['jsonl', 'csv', 'x12'];

/** Guess the format from the first characters of the input: ISA → X12 837, `{` → JSON Lines, a header row naming record fields → CSV. */
export function detectFormat(head: string): InputFormat {
  const text = head.replace(/^\uFEFF/, '').replace(/^\u00ef\u00bb\u00bf/, '').trimStart();
  if (/^ISA[^A-Za-z0-9\s]/.test(text)) return 'x12';
  if (text.startsWith('{') || text.startsWith('[') || text.startsWith('"{')) return 'jsonl';
  const firstLine = text.split(/\r?\n/)[0] ?? '';
  if (/,/.test(firstLine) && /claimId|procedureCode|memberId/i.test(firstLine)) return 'csv';
  return 'jsonl';
}

/** An open input: its chunks (the first one included), its first bytes as text, and a byte count. */
export interface OpenInput {
  chunks: AsyncIterable<Buffer>;
  head: string;
  bytesRead(): number;
  /** Size in bytes, 0 when unknown (standard input, a pipe). */
  size: number;
  /** A regular file: it can be opened and read again. */
  regular: boolean;
  /** Stop reading (the file is closed). */
  close(): void;
}

/** Open a file (or standard input for "-") and read its first chunk; throws a plain Error when it cannot be read. */
export async function openInput(path: string): Promise<OpenInput> {
  let size = 0;
  let regular = false;
  if (path !== '-') {
    let st;
    try {
      st = statSync(path);
    } catch (e) {
      throw new Error(`cannot read ${path}: ${(e as { code?: string }).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    if (st.isDirectory()) throw new Error(`cannot read ${path}: it is a directory`);
    regular = st.isFile();
    if (regular) size = st.size;
  }
  const source: Readable = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 256 * 1024 });
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let first: IteratorResult<Buffer | string>;
  try {
    first = await iterator.next();
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  const firstChunk = first.done ? Buffer.alloc(0) : Buffer.from(first.value);
  let bytes = 0;
  async function* all(): AsyncGenerator<Buffer> {
    if (first.done) return;
    bytes += firstChunk.length;
    yield firstChunk;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      bytes += chunk.length;
      yield chunk;
    }
  }
  const close = (): void => { if (source !== process.stdin) source.destroy(); };
  return { chunks: all(), head: firstChunk.subarray(0, 4096).toString('latin1'), bytesRead: () => bytes, size, regular, close };
}

/**
 * An input that cannot be opened again (standard input, a pipe), copied to a temporary file as it is read:
 * `again()` gives what was read (from the copy), then the rest of the input. Stopping part way through the
 * first reading leaves the input open for `again()`. `remove()` removes the copy and closes the input.
 */
export function replayable(input: OpenInput): { input: OpenInput; again(): OpenInput; remove(): void } {
  // Removed at the end, and also if the process ends first (an interrupt).
  const folder = new ShardFolder('codeguide-input-');
  const path = folder.path('input');
  let fd: number | null = openSync(path, 'w');
  const source = input.chunks[Symbol.asyncIterator]();
  const first: AsyncIterable<Buffer> = {
    [Symbol.asyncIterator]: () => ({
      async next() {
        const next = await source.next();
        if (!next.done && fd !== null) for (let at = 0; at < next.value.length;) at += writeSync(fd, next.value, at);
        return next;
      },
      // A reader that stops early does not end the input: the rest is read again after the copy.
      async return() { return { done: true, value: undefined }; },
    }),
  };
  const done = (): void => {
    if (fd !== null) closeSync(fd);
    fd = null;
  };
  return {
    input: { ...input, chunks: first, close() {} },
    again() {
      done();
      let read = 0;
      async function* all(): AsyncGenerator<Buffer> {
        for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
          read += (chunk as Buffer).length;
          yield chunk as Buffer;
        }
        for (let next = await source.next(); !next.done; next = await source.next()) {
          read += next.value.length;
          yield next.value;
        }
      }
      return { ...input, chunks: all(), bytesRead: () => read, close() {} };
    },
    remove() {
      done();
      input.close();
      folder.remove();
    },
  };
}

/** The reader of a format over an input's chunks. `file` names the input in 837 origins. */
export function readItems(format: InputFormat, chunks: AsyncIterable<Buffer>, file: string): AsyncGenerator<ReadItem> {
  if (format === 'csv') return readCsv(chunks);
  if (format === 'x12') return readX12(chunks, file);
  return readJsonLines(chunks);
}

/** readItems, a chunk's items at a time (what validate reads by: one step of the loop per chunk, not per record). */
export function readItemBatches(format: InputFormat, chunks: AsyncIterable<Buffer>, file: string): AsyncGenerator<ReadItem[]> {
  if (format === 'csv') return readCsvBatches(chunks);
  if (format === 'x12') return readX12Batches(chunks, file);
  return readJsonLineBatches(chunks);
}
