/**
 * Where results go, without ever losing one silently. A file is written to a
 * temporary file beside it and renamed into place only when complete, so an
 * interrupted run leaves the previous file as it was; a device or pipe named
 * with --out is written directly. Every write error becomes a `WriteError`
 * with a plain message (the CLI exits 2). Standard output honours
 * backpressure, and a reader that goes away (EPIPE, `| head -1`) ends the
 * writing quietly.
 */
import { createWriteStream, existsSync, mkdirSync, realpathSync, renameSync, statSync, unlinkSync, type WriteStream } from 'node:fs';
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

/** Something that takes text with backpressure and can be finished or abandoned. */
interface Target {
  write(text: string): Promise<void> | void;
  close(): Promise<void>;
  abort(): void;
  /** The reader went away (EPIPE): nothing more will be written. */
  readonly gone: boolean;
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

/** One CSV cell, quoted when it must be (RFC 4180). */
export function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The CSV row of a result: its fields, then findings as `;`-joined rules, categories and severities and messages one per line of the cell, then its origin. */
export function csvRow(r: OutputResult, fields: readonly string[], withOrigin: boolean): string {
  const f = r.findings;
  const cells: unknown[] = fields.map((k) => (r as Record<string, unknown>)[k]);
  cells.push(f.map((x) => x.rule).join(';'), f.map((x) => x.category).join(';'), f.map((x) => x.severity).join(';'), f.map((x) => x.message).join('\n'));
  if (withOrigin) {
    const o = r.origin;
    cells.push(o?.file, o?.interchange, o?.group, o?.transaction, o?.claim, o?.line, o?.segment);
  }
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** Writes results in order, in blocks, through a target. */
export class ResultWriter {
  private buffer = '';
  private started = false;
  private fields: string[] = [];
  count = 0;

  constructor(private readonly target: Target, private readonly format: OutputFormat, private readonly withOrigin: boolean) {}

  /** True once the reader of standard output went away. */
  get gone(): boolean { return this.target.gone; }

  /** Add one result; when a block is handed to the target, a promise that resolves when it can take more. */
  write(result: OutputResult): Promise<void> | undefined {
    if (!this.started) this.start(result);
    this.buffer += this.format === 'csv' ? csvRow(result, this.fields, this.withOrigin) : `${JSON.stringify(result)}\n`;
    this.count++;
    return this.buffer.length >= 65536 ? this.flush() : undefined;
  }

  /** The CSV header, from the first result's fields (a bundle's results all have the same). */
  private start(first: OutputResult | null): void {
    this.started = true;
    if (this.format !== 'csv') return;
    this.fields = resultFields(first);
    this.buffer += `${[...this.fields, ...FINDING_COLUMNS, ...(this.withOrigin ? ORIGIN_COLUMNS : [])].join(',')}\r\n`;
  }

  private async flush(): Promise<void> {
    const text = this.buffer;
    this.buffer = '';
    if (text !== '' && !this.target.gone) await this.target.write(text);
  }

  /** Everything is written: flush, and (for a file) move it into place. */
  async close(): Promise<void> {
    if (!this.started) this.start(null);
    await this.flush();
    await this.target.close();
  }

  /** Give up: a file being written is removed and the previous one left in place. */
  abort(): void {
    this.target.abort();
  }
}

type Emitter = TextOut & { once?: (event: string, f: (...a: unknown[]) => void) => unknown; on?: (event: string, f: (...a: unknown[]) => void) => unknown; off?: (event: string, f: (...a: unknown[]) => void) => unknown };

/** A target over a text stream (standard output, or a test's collector): waits on 'drain', ends quietly on EPIPE. */
export function streamTarget(out: TextOut, name = 'standard output'): Target {
  const stream = out as Emitter;
  let gone = false;
  let failure: Error | null = null;
  const onError = (e: unknown): void => {
    if ((e as { code?: string }).code === 'EPIPE') gone = true;
    else failure ??= e as Error;
  };
  stream.on?.('error', onError);
  const check = (): void => { if (failure !== null) throw new WriteError(`cannot write ${name}: ${plain(failure)}`); };
  return {
    get gone() { return gone; },
    async write(text) {
      check();
      if (gone) return;
      let ok: boolean | void;
      try {
        ok = stream.write(text);
      } catch (e) {
        onError(e);
        check();
        return;
      }
      if (ok === false && stream.once !== undefined) {
        await new Promise<void>((done) => {
          const finish = (): void => { stream.off?.('drain', finish); stream.off?.('error', finish); stream.off?.('close', finish); done(); };
          stream.once!('drain', finish);
          stream.once!('error', finish);
          stream.once!('close', () => { gone = true; finish(); });
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
function isRegularDestination(path: string): boolean {
  if (!existsSync(path)) return true;
  return statSync(path).isFile();
}

/**
 * A target writing the file `path`: to `.name.PID.tmp` beside it, renamed over `path`
 * by close(); abort() removes the temporary file. A device or FIFO is written directly.
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
  let failure: Error | null = null;
  const stream: WriteStream = createWriteStream(temp, { flags: direct ? 'a' : 'w' });
  stream.on('error', (e) => { failure ??= e; });
  const check = (): void => {
    if (failure !== null) throw new WriteError(`cannot write ${path}: ${plain(failure)}`);
  };
  let closed = false;
  return {
    gone: false,
    async write(text) {
      check();
      if (!stream.write(text)) {
        await new Promise<void>((done) => {
          const finish = (): void => { stream.off('drain', finish); stream.off('error', finish); done(); };
          stream.once('drain', finish);
          stream.once('error', finish);
        });
      }
      check();
    },
    async close() {
      await new Promise<void>((done) => {
        if (failure !== null) { done(); return; }
        stream.once('error', () => done());
        // end's callback gets a write error before the 'error' event does.
        stream.end((e?: Error | null) => { if (e) failure ??= e; done(); });
      });
      closed = true;
      if (failure !== null) { removeQuietly(direct ? null : temp); check(); }
      if (!direct) {
        try {
          renameSync(temp, path);
        } catch (e) {
          removeQuietly(temp);
          throw new WriteError(`cannot write ${path}: ${plain(e as Error)}`);
        }
      }
    },
    abort() {
      if (closed) return;
      closed = true;
      stream.destroy();
      removeQuietly(direct ? null : temp);
    },
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
