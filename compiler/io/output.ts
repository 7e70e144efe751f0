/**
 * Where results go, without ever losing one silently. A file is written to a
 * temporary file beside it and renamed into place only when complete, so an
 * interrupted run leaves the previous file as it was; a device or pipe named
 * with --out is written directly. Every write error becomes a `WriteError`
 * with a plain message (the CLI exits 2). Standard output honours
 * backpressure, and a reader that goes away (EPIPE, `| head -1`) ends the
 * writing quietly.
 */
import { closeSync, existsSync, mkdirSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { Writable } from 'node:stream';
import { basename, dirname, join, resolve } from 'node:path';
import type { LineResult } from '../interpret.ts';
import type { Origin } from './items.ts';

/** A result as the CLI writes it: the bundle's result, then `origin` for lines read from an 837. */
export type OutputResult = LineResult & { origin?: Origin };

/** Results can be written as JSON Lines (the default) or CSV. */
export type OutputFormat = 'jsonl' | 'csv';

/** Writing results failed; the message is for people. */
export class WriteError extends Error {}

/** Where a command writes text: process.stdout, or a test's collector. */
export interface TextOut { write(s: string): boolean | void }

/** Something that takes bytes (or text) with backpressure and can be finished or abandoned. */
export interface Target {
  /** Write; a promise when the target is full and the caller should wait. */
  write(bytes: Uint8Array | string): Promise<void> | void;
  close(): Promise<void>;
  abort(): void;
  /** The reader went away (EPIPE): nothing more will be written. */
  readonly gone: boolean;
  /** Bytes the writer gathers before handing them over. */
  readonly block: number;
  /** The target is done with a block when write returns (so the writer may fill it again; such a write never returns a promise). */
  readonly copies: boolean;
}

/** The CSV columns that hold a result's findings, after the result's own fields. */
export const FINDING_COLUMNS = ['rules', 'categories', 'severities', 'messages'] as const;
/** The CSV columns of an 837 line's origin, last. */
export const ORIGIN_COLUMNS = ['originFile', 'interchange', 'group', 'transaction', 'originClaim', 'originLine', 'segment'] as const;
/** The result fields every bundle gives, for the header of a run with no results. */
const CORE_FIELDS = ['index', 'claimId', 'lineNumber', 'status'];

/** The result fields that become CSV columns, in the result's order (findings and origin have their own columns). */
export function resultFields(r: OutputResult | null): string[] {
  return r === null ? CORE_FIELDS : Object.keys(r).filter((k) => k !== 'findings' && k !== 'origin');
}

const CSV_SPECIAL = /[",\r\n]/;

/** One CSV cell, quoted when it must be (RFC 4180). */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v); // digits, sign, dot, e, Infinity, NaN: never quoted
  const s = String(v);
  return CSV_SPECIAL.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The CSV row of a result: its fields, then findings as `;`-joined rules, categories and severities and messages one per line of the cell, then its origin. */
export function csvRow(r: OutputResult, fields: readonly string[], withOrigin: boolean): string {
  return `${csvLine(r, fields, withOrigin)}\r\n`;
}

/** csvRow without its line break. */
function csvLine(r: OutputResult, fields: readonly string[], withOrigin: boolean): string {
  const f = r.findings;
  let row = '';
  for (let i = 0; i < fields.length; i++) row += `${csvCell((r as Record<string, unknown>)[fields[i]!])},`;
  if (f.length === 0) row += ',,,';
  else {
    let rules = f[0]!.rule;
    let categories = f[0]!.category;
    let severities: string = f[0]!.severity;
    let messages = f[0]!.message;
    for (let k = 1; k < f.length; k++) {
      rules += `;${f[k]!.rule}`;
      categories += `;${f[k]!.category}`;
      severities += `;${f[k]!.severity}`;
      messages += `\n${f[k]!.message}`;
    }
    row += `${csvCell(rules)},${csvCell(categories)},${csvCell(severities)},${csvCell(messages)}`;
  }
  if (withOrigin) {
    const o = r.origin;
    row += `,${csvCell(o?.file)},${csvCell(o?.interchange)},${csvCell(o?.group)},${csvCell(o?.transaction)},${csvCell(o?.claim)},${csvCell(o?.line)},${csvCell(o?.segment)}`;
  }
  return row;
}

/**
 * How results become text: a JSON Lines line, or a CSV row whose columns are the first rendered result's
 * fields (a bundle's results all have the same), with the header made from the same fields.
 */
export class ResultFormat {
  private fields: string[] | null = null;
  /** What ends each result's line. */
  readonly ending: string;
  /** The ending's bytes. */
  readonly endingBytes: Buffer;

  constructor(readonly format: OutputFormat, readonly withOrigin: boolean) {
    this.ending = format === 'csv' ? '\r\n' : '\n';
    this.endingBytes = Buffer.from(this.ending);
  }

  /** The text of one result, without its line break (`ending`): the text is the line plus the ending. */
  line(r: OutputResult): string {
    if (this.format !== 'csv') return JSON.stringify(r);
    return csvLine(r, (this.fields ??= resultFields(r)), this.withOrigin);
  }

  /** What comes before the first result: the CSV header (from the fields of the first result rendered, if any). */
  header(): string {
    if (this.format !== 'csv') return '';
    this.fields ??= resultFields(null);
    return `${[...this.fields, ...FINDING_COLUMNS, ...(this.withOrigin ? ORIGIN_COLUMNS : [])].join(',')}\r\n`;
  }
}

/**
 * Writes results in order through a target, gathering their text in blocks of bytes (1 MiB for a file,
 * written synchronously; 64 KiB for a stream, handed over with backpressure).
 */
export class ResultWriter {
  readonly format: ResultFormat;
  private bytes: Buffer;
  private at = 0;
  private started = false;
  count = 0;

  constructor(private readonly target: Target, format: OutputFormat, withOrigin: boolean) {
    this.format = new ResultFormat(format, withOrigin);
    this.bytes = Buffer.allocUnsafe(target.block);
  }

  /** True once the reader of standard output went away. */
  get gone(): boolean { return this.target.gone; }

  /** Add one result; when a block is handed to the target, a promise that resolves when it can take more. */
  write(result: OutputResult): Promise<void> | undefined {
    const line = this.format.line(result); // first: the first result's fields make the CSV header
    if (!this.started) this.start();
    this.count++;
    return this.put(line, true);
  }

  /** Add a result already rendered by `format.line` (its line ending is added). */
  writeLine(line: string): Promise<void> | undefined {
    if (!this.started) this.start();
    this.count++;
    return this.put(line, true);
  }

  /** Add the bytes of a result's line already rendered (`bytes[from, to)`, its ending not included). */
  writeBytes(bytes: Uint8Array, from: number, to: number): Promise<void> | undefined {
    if (!this.started) this.start();
    this.count++;
    const ending = this.format.endingBytes;
    const n = to - from + ending.length;
    let full: Promise<void> | undefined;
    if (this.at + n > this.bytes.length) {
      full = this.flush();
      if (n > this.bytes.length) return both(full, this.hand(Buffer.concat([bytes.subarray(from, to), ending])));
    }
    this.bytes.set(bytes.subarray(from, to), this.at);
    this.at += to - from;
    this.ending();
    return full;
  }

  /** Put the line ending after what is in the block (there is always room for it: see put). */
  private ending(): void {
    const ending = this.format.endingBytes;
    this.bytes[this.at++] = ending[0]!;
    if (ending.length > 1) this.bytes[this.at++] = ending[1]!;
  }

  /**
   * Put text into the block, then the line ending when `line`. Text is never held back: a full block is
   * handed over first (a target that copies is done with it at once; else the block is a new one), and text
   * larger than a block goes straight after it. The promise, if any, says when the target can take more.
   */
  private put(text: string, line: boolean): Promise<void> | undefined {
    const room = this.bytes.length - this.at - 2;
    let full: Promise<void> | undefined;
    if (text.length * 3 > room && Buffer.byteLength(text) > room) {
      full = this.flush();
      if (Buffer.byteLength(text) > this.bytes.length - 2) return both(full, this.hand(Buffer.from(line ? text + this.format.ending : text)));
    }
    this.at += this.bytes.write(text, this.at);
    if (line) this.ending();
    return full;
  }

  /** The first result (or none) is known: the CSV header. */
  private start(): void {
    this.started = true;
    const header = this.format.header();
    if (header !== '') this.put(header, false); // the block is empty: this fits, or is handed over at once
  }

  private hand(bytes: Uint8Array): Promise<void> | undefined {
    if (this.target.gone) return undefined;
    const done = this.target.write(bytes);
    return done === undefined ? undefined : done;
  }

  /** Hand the gathered block to the target. */
  private flush(): Promise<void> | undefined {
    if (this.at === 0) return undefined;
    const bytes = this.bytes.subarray(0, this.at);
    if (!this.target.copies) this.bytes = Buffer.allocUnsafe(this.target.block);
    this.at = 0;
    return this.hand(bytes);
  }

  /** Everything is written: flush, and (for a file) move it into place. */
  async close(): Promise<void> {
    if (!this.started) this.start();
    await this.flush();
    await this.target.close();
  }

  /** Give up: a file being written is removed and the previous one left in place. */
  abort(): void {
    this.target.abort();
  }
}

/** Wait for both, when either is a promise. */
function both(a: Promise<void> | undefined, b: Promise<void> | undefined): Promise<void> | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Promise.all([a, b]).then(() => undefined);
}

type Emitter = TextOut & { once?: (event: string, f: (...a: unknown[]) => void) => unknown; on?: (event: string, f: (...a: unknown[]) => void) => unknown; off?: (event: string, f: (...a: unknown[]) => void) => unknown };

/** Bytes a stream target is given at a time: one block waits beyond the stream's own buffer. */
const STREAM_BLOCK = 64 << 10;
/** Bytes a file target is given at a time (one write call each). */
const FILE_BLOCK = 1 << 20;

/**
 * A target over a text stream (standard output, or a test's collector): waits on 'drain', ends quietly on
 * EPIPE. A Node stream is given bytes; anything else (a collector) is given text.
 */
export function streamTarget(out: TextOut, name = 'standard output'): Target {
  const stream = out as Emitter;
  const binary = out instanceof Writable;
  let gone = false;
  let failure: Error | null = null;
  const onError = (e: unknown): void => {
    if ((e as { code?: string }).code === 'EPIPE') gone = true;
    else failure ??= e as Error;
  };
  stream.on?.('error', onError);
  const check = (): void => { if (failure !== null) throw new WriteError(`cannot write ${name}: ${plain(failure)}`); };
  return {
    block: STREAM_BLOCK,
    copies: false,
    get gone() { return gone; },
    async write(bytes) {
      check();
      if (gone) return;
      let ok: boolean | void;
      try {
        ok = (stream as { write(chunk: unknown): boolean | void }).write(binary || typeof bytes === 'string' ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString());
      } catch (e) {
        onError(e);
        check();
        return;
      }
      if (ok === false && stream.once !== undefined) {
        await new Promise<void>((done) => {
          const closed = (): void => { gone = true; finish(); };
          const finish = (): void => { stream.off?.('drain', finish); stream.off?.('error', finish); stream.off?.('close', closed); done(); };
          stream.once!('drain', finish);
          stream.once!('error', finish);
          stream.once!('close', closed);
        });
      }
      check();
    },
    async close() {
      // Let an error from the last write arrive before saying all went well.
      await new Promise((r) => setImmediate(r));
      stream.off?.('error', onError);
      stream.on?.('error', () => {}); // a late EPIPE must not become an uncaught error
      check();
    },
    abort() { stream.off?.('error', onError); },
  };
}

/** Is `path` a regular file or somewhere a regular file can be created (not a device, pipe or directory)? */
export function isRegularDestination(path: string): boolean {
  if (!existsSync(path)) return true;
  return statSync(path).isFile();
}

/**
 * A target writing the file `path`: to `.name.PID.tmp` beside it, renamed over `path` by close(); abort()
 * removes the temporary file. A device or FIFO is written directly. Writes are synchronous, a block at a time
 * (a batch run has nothing else to do meanwhile), and every error is a WriteError.
 */
export function fileTarget(path: string): Target {
  if (existsSync(path) && statSync(path).isDirectory()) throw new WriteError(`cannot write ${path}: it is a directory`);
  try {
    mkdirSync(dirname(resolve(path)), { recursive: true });
  } catch (e) {
    throw new WriteError(`cannot write ${path}: ${(e as Error).message}`);
  }
  const direct = !isRegularDestination(path);
  const temp = direct ? path : join(dirname(resolve(path)), `.${basename(path)}.${process.pid}.tmp`);
  const fail = (e: unknown): never => { throw new WriteError(`cannot write ${path}: ${plain(e as Error)}`); };
  let fd = -1;
  try {
    fd = openSync(temp, direct ? 'a' : 'w');
  } catch (e) {
    fail(e);
  }
  let closed = false;
  /** Close and remove what was written (for a file; a device is left alone). */
  const discard = (): void => {
    if (closed) return;
    closed = true;
    try { closeSync(fd); } catch { /* already closed */ }
    removeQuietly(direct ? null : temp);
  };
  return {
    gone: false,
    block: FILE_BLOCK,
    copies: true,
    write(data) {
      if (closed) return;
      try {
        const bytes = typeof data === 'string' ? Buffer.from(data) : data;
        for (let at = 0; at < bytes.byteLength;) at += writeSync(fd, bytes, at, bytes.byteLength - at);
      } catch (e) {
        discard();
        fail(e);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        closeSync(fd);
      } catch (e) {
        removeQuietly(direct ? null : temp);
        fail(e);
      }
      if (!direct) {
        try {
          renameSync(temp, path);
        } catch (e) {
          removeQuietly(temp);
          fail(e);
        }
      }
    },
    abort: discard,
  };
}

function removeQuietly(path: string | null): void {
  if (path === null) return;
  try { unlinkSync(path); } catch { /* already gone */ }
}

/** An error's message without Node's "EACCES: " prefix repeated in the syscall form. */
function plain(e: Error): string {
  const code = (e as { code?: string }).code;
  const words: Record<string, string> = { ENOSPC: 'no space left on the device', EACCES: 'permission denied', EISDIR: 'it is a directory', EFBIG: 'the file is too large', EROFS: 'the file system is read-only', ENOENT: 'no such directory', EPERM: 'operation not permitted' };
  return code !== undefined && words[code] !== undefined ? `${words[code]} (${code})` : e.message;
}

/** True when the input and output name the same file (so results would overwrite the input). */
export function sameFile(input: string, output: string): boolean {
  if (input === '-' || !existsSync(input) || !existsSync(output)) return false;
  try {
    const a = statSync(input);
    const b = statSync(output);
    if (!a.isFile() || !b.isFile()) return false;
    return (a.dev === b.dev && a.ino === b.ino) || realpathSync(input) === realpathSync(output);
  } catch {
    return false;
  }
}
