/**
 * Judging a whole input with a bundle, as it streams, in memory or in shards (compiler/io/shards.ts), with the
 * same output every way: one result per record, in input order, each with what the reader knew of it (its
 * problem, its 837 origin), counted into the run's statistics (with its month of service for the run report).
 *
 * As it streams (an input grouped by cross-line key, e.g. sorted by member): the records of one key are
 * gathered while they come one after another, and judged as soon as a record of another key comes; their
 * results, and those of the records judged alone among them, are written at once. Memory holds one group.
 * When a key comes back after its group was judged (the input is not grouped; a line that is not valid is
 * judged alone instead), or one group grows past STREAM_WINDOW records, `add` throws NotGrouped: what was
 * written is void, and the caller starts again, in memory or in shards.
 *
 * In memory, every record goes to one `createValidator` and the results come when the input ends. In shards
 * (a large input), each record is written to the temporary shard of its cross-line key (`shardKey`); a
 * record no other line can change (`shardKey` null: its key cannot be read, or no cross-line rules) is judged at
 * once with `validateLine`. A JSON Lines record goes to its shard as the line's own text (the reader's first
 * parse already checked it). When the input ends each shard is judged on its own: its results are counted
 * and written to a file of the shard's as the output text itself. The results are then copied back in input
 * order, bytes to bytes, and each results file is cut short as it is read. Memory holds one shard and two
 * bytes per record.
 */
import { closeSync, openSync, rmSync } from 'node:fs';
import type { LineResult } from '../interpret.ts';
import { monthOf, type RunStats } from '../report/stats.ts';
import { problemResult, type Origin } from './items.ts';
import type { OutputResult, ResultFormat, ResultWriter } from './output.ts';
import { boundHeapGrowth, ChunkedEntries, encodeEntry, EntryReader, EntryWriter, hasNonFinite, OpenFiles, readEntries, ShardFolder, ShrinkingReader, shardOf } from './shards.ts';

/** What validate needs of a bundle. */
export interface Validator {
  validate(lines: readonly unknown[], options?: object): LineResult[];
  validateLine?: (line: unknown, options?: object) => LineResult;
  createValidator?: (options?: object) => { add(line: unknown): void; finish(): LineResult[] };
  shardKey?: (line: unknown, options?: object) => string | null;
  meta?: { guidance?: string; title?: string; versions?: readonly string[] };
}

/** What the CLI keeps about a record until its result is written: the reader's problem, its 837 origin, its month. */
export interface Side { problem?: string; origin?: Origin; month?: string | null }

/** Where results go: the run's counts, and the format that turns a result into its output text. */
export interface ResultSink { stats: RunStats; format: ResultFormat }

/**
 * Inputs at least this large are judged in shards (`--shards auto`). Measured with the DHCS bundle on
 * generated JSON Lines (170 bytes a line; test/bench/memory.ts): judged in memory, the peak RSS is about
 * 85 MB + 4.7 × the input (17 MB: 168 MB; 34 MB: 258 MB; 85 MB: 483 MB), while shards hold it near
 * 160–230 MB whatever the size (10,000,000 lines: 184–213 MB, with the heap bounded as boundHeapGrowth
 * says). Shards cost a little more time (34 MB: 2.3 s against 2.1 s), so memory is used only up to where
 * its peak stays well under the 256 MB the CLI keeps to for any input (records with longer text than these
 * take more memory per byte).
 */
export const SHARD_MIN_BYTES = 24 << 20;
/**
 * Input bytes per shard (`--shards auto`): about 9,000 JSON Lines records. A shard's peak grows by about
 * 4.5 KB per record it holds (500,000 lines in shards of 23,000 records: 250 MB; of 17,000: 201 MB; of
 * 8,300: 181 MB), and more shards cost little (a 16 KB block each while reading, and a 16 KB block each while
 * the results are put back in order): 10,000,000 lines (1.7 GB) make about 1,100 shards.
 */
export const SHARD_BYTES = 1.5 * (1 << 20);
/**
 * Shards for an input of unknown size (standard input) that passes SHARD_MIN_BYTES: enough that 1.5 GB
 * (about 9,000,000 lines) still make shards of SHARD_BYTES; a shard costs little more than its 16 KB block.
 */
export const SHARDS_UNKNOWN_SIZE = 1024;
/** At most this many shards (two bytes per record say which). */
export const MAX_SHARDS = 4000;
/** Characters a shard's file writer holds before appending them. */
const SHARD_BLOCK = 16 << 10;
/** Bytes each shard's reader takes at a time when the results are put back in order. */
const READ_BLOCK = 16 << 10;
/** Records per block of the record → file table. */
const WHERE_BLOCK = 1 << 16;

/**
 * How many shards `--shards` asks for: a number, or `auto` (undefined): 0 for a file under SHARD_MIN_BYTES,
 * else one per SHARD_BYTES; null when the size is unknown (decided once SHARD_MIN_BYTES have been read).
 */
export function shardCount(option: unknown, size: number): number | null {
  if (option === undefined || option === 'auto') {
    if (size === 0) return null;
    return size < SHARD_MIN_BYTES ? 0 : Math.min(MAX_SHARDS, Math.ceil(size / SHARD_BYTES));
  }
  const n = Number(option);
  if (!Number.isInteger(n) || n < 0 || n > MAX_SHARDS) throw new RangeError(`--shards takes auto or a whole number from 0 to ${MAX_SHARDS}, not "${String(option)}"`);
  return n;
}

/** Can the bundle judge lines apart by their cross-line key (shardKey, validateLine, createValidator), as streaming and shards need? */
export function separable(validator: Validator): boolean {
  return typeof validator.shardKey === 'function' && typeof validator.validateLine === 'function' && typeof validator.createValidator === 'function';
}

/** Records a group judged as the input streams may gather (with the records judged alone among them) before the input is judged another way. */
export const STREAM_WINDOW = 1 << 14;
/** Keys of judged groups remembered, to tell that a key comes back, when the keys come in no order (see ClosedKeys). */
const CLOSED_KEYS_MAX = 1 << 19;

/** Thrown by Judge.add while judging as the input streams: the input is not grouped by key after all (see the top of this file). */
export class NotGrouped extends Error {}

type Held = [record: unknown, side: Side | null, text: string | undefined];

/** Judges every record of an input and writes the results in input order (see the top of this file). */
export class Judge {
  /** Records added so far. */
  count = 0;
  private run: { add(line: unknown): void; finish(): LineResult[] } | null = null;
  /** Per record index, what the reader knew of it (a dense list: most records of an 837 have an origin). */
  private sides: (Side | undefined)[] = [];
  /** Records held while the size of an input is unknown. */
  private held: Held[] | null = null;
  private sharded: Sharded | null = null;
  private streamed: Streamed | null = null;

  /**
   * `shards`: how many (0: in memory; null: decide once `minBytes` of input have been read — in memory if the
   * input ends before, else in SHARDS_UNKNOWN_SIZE shards). `stream`: judge as the input streams, writing
   * results here (`shards` is then not used).
   */
  constructor(private readonly validator: Validator, private readonly options: object, shards: number | null, private readonly sink: ResultSink, private readonly minBytes = SHARD_MIN_BYTES, stream?: ResultWriter) {
    const canShard = separable(validator);
    if (stream !== undefined && canShard) this.streamed = new Streamed(validator, options, sink, stream);
    else if (shards === null && canShard) this.held = [];
    else if (shards !== null && shards > 0 && canShard) this.sharded = new Sharded(validator, options, shards, sink);
  }

  /** True while judging as the input streams. */
  get streaming(): boolean { return this.streamed !== null; }

  /**
   * Add the next record; `text` is its JSON text when it was read as one (a JSON Lines line), to be parsed
   * again in a shard. While streaming: a promise when the writer is full (wait for it before adding more),
   * and NotGrouped thrown when the input cannot be judged that way.
   */
  add(record: unknown, side: Side | null, bytesRead: number, text?: string): Promise<void> | undefined {
    const index = this.count++;
    if (this.streamed !== null) return this.streamed.add(index, record, side);
    if (this.sharded !== null) return this.sharded.add(index, record, side, text);
    if (this.held !== null) {
      this.held.push([record, side, text]);
      if (bytesRead >= this.minBytes) {
        // Large after all: shard what was held, and everything after it.
        const held = this.held;
        this.held = null;
        this.sharded = new Sharded(this.validator, this.options, SHARDS_UNKNOWN_SIZE, this.sink);
        held.forEach(([r, s, t], i) => this.sharded!.add(i, r, s, t));
      }
      return;
    }
    this.addInMemory(index, record, side);
    return undefined;
  }

  private addInMemory(index: number, record: unknown, side: Side | null): void {
    this.run ??= this.validator.createValidator?.(this.options) ?? collecting(this.validator, this.options);
    this.run.add(record);
    if (side !== null) this.sides[index] = side;
  }

  /**
   * Count every result and write it to `writer` (its format is the sink's), in input order; `progress` is
   * told how many were written now and then. Nothing more is written once the reader has gone (EPIPE), but
   * every result is still counted.
   */
  async write(writer: ResultWriter, progress: (written: number) => void = () => {}): Promise<void> {
    if (this.streamed !== null) return this.streamed.end();
    if (this.sharded !== null) return this.sharded.write(this.count, writer, progress);
    if (this.held !== null) {
      this.held.forEach(([r, s], i) => this.addInMemory(i, r, s));
      this.held = null;
    }
    if (this.run === null) return;
    const { stats } = this.sink;
    const sides = this.sides;
    this.sides = [];
    const results = this.run.finish();
    this.run = null;
    for (let i = 0; i < results.length; i++) {
      const result = results[i]!;
      results[i] = null as never; // written: let it go
      const side = sides[result.index];
      if (side !== undefined) sides[result.index] = undefined;
      const r = withSide(result, side);
      stats.add(r, side?.month ?? null);
      if (!writer.gone) {
        const full = writer.write(r);
        if (full !== undefined) await full;
      }
      if ((i & 0xfff) === 0xfff) {
        progress(i + 1);
        if ((i & 0xffff) === 0xffff) await turn();
      }
    }
  }

  /** Remove temporary files (always called, also after an error). */
  dispose(): void {
    this.sharded?.dispose();
  }
}

/**
 * Let the event loop run (an interrupt is handled there): writing to a file is synchronous, so long runs of
 * it make room for this now and then.
 */
function turn(): Promise<void> {
  return new Promise((done) => setImmediate(done));
}

/** A result with what the reader knew of its record (the bundle's result, which is ours, takes `origin` as its last key). */
function withSide(result: LineResult, side: Side | undefined | null): OutputResult {
  if (side === undefined || side === null) return result;
  const r: OutputResult = side.problem !== undefined ? problemResult(result, side.problem) : result;
  if (side.origin !== undefined) r.origin = side.origin;
  return r;
}

/** A result as written: its input index, what the reader knew of its record; counted into the run's statistics. */
function counted(sink: ResultSink, result: LineResult, index: number, side: Side | null): OutputResult {
  result.index = index;
  const r = withSide(result, side);
  sink.stats.add(r, side?.month ?? null);
  return r;
}

/** For a bundle without createValidator: gather the lines, then validate them at once. */
function collecting(validator: Validator, options: object): { add(line: unknown): void; finish(): LineResult[] } {
  const lines: unknown[] = [];
  return { add: (line) => lines.push(line), finish: () => validator.validate(lines, options) };
}

/**
 * The judge as the input streams (see the top of this file): `pending` holds, in input order, the records of
 * the open group (its key `key`, its validator `run`) and the results of the records judged alone among them.
 */
class Streamed {
  private key: string | null = null;
  private run: { add(line: unknown): void; finish(): LineResult[] } | null = null;
  /** Per pending record: its index, its side, and its result when it was judged alone (null: the group's). */
  private pending: [index: number, side: Side | null, result: LineResult | null][] = [];
  private readonly closed = new ClosedKeys();

  constructor(private readonly validator: Validator, private readonly options: object, private readonly sink: ResultSink, private readonly writer: ResultWriter) {}

  add(index: number, record: unknown, side: Side | null): Promise<void> | undefined {
    const key = side?.problem === undefined ? this.validator.shardKey!(record, this.options) : null;
    if (key === null) return this.alone(index, side, this.validator.validateLine!(record, this.options));
    let full: Promise<void> | undefined;
    if (key !== this.key) {
      if (!this.closed.isNew(key)) {
        // A key that comes back means the input is not grouped, unless the line is not valid: then it meets
        // no other line (shardKey gives a line whose key fields are right their key), and is judged alone.
        const result = this.validator.validateLine!(record, this.options);
        if (result.status === 'invalid') return this.alone(index, side, result);
      }
      if (this.key !== null) {
        this.closed.close(this.key);
        full = this.judgeGroup();
      }
      if (!this.closed.isNew(key)) throw new NotGrouped(`the lines of ${JSON.stringify(key)} do not come one after another`);
      this.key = key;
      this.run = this.validator.createValidator!(this.options);
    }
    this.run!.add(record);
    this.hold(index, side, null);
    return full;
  }

  /** The input ended: judge the open group. */
  async end(): Promise<void> {
    if (this.key !== null) await this.judgeGroup();
  }

  /** A record judged alone: written at once, or held in its place while a group is open. */
  private alone(index: number, side: Side | null, result: LineResult): Promise<void> | undefined {
    if (this.key === null) return this.emit(index, side, result);
    this.hold(index, side, result);
    return undefined;
  }

  private hold(index: number, side: Side | null, result: LineResult | null): void {
    if (this.pending.length >= STREAM_WINDOW) throw new NotGrouped(`more than ${STREAM_WINDOW} lines of one group, or judged alone within one`);
    this.pending.push([index, side, result]);
  }

  /** Judge the open group and write every pending result, in input order. */
  private judgeGroup(): Promise<void> | undefined {
    const results = this.run!.finish();
    const pending = this.pending;
    this.pending = [];
    this.key = null;
    this.run = null;
    let next = 0;
    let waits: Promise<void>[] | null = null;
    for (const [index, side, alone] of pending) {
      const full = this.emit(index, side, alone ?? results[next++]!);
      if (full !== undefined) (waits ??= []).push(full);
    }
    return waits === null ? undefined : Promise.all(waits).then(() => undefined);
  }

  private emit(index: number, side: Side | null, result: LineResult): Promise<void> | undefined {
    return this.writer.write(counted(this.sink, result, index, side));
  }
}

/**
 * The keys of the groups judged so far, to tell a new key from one that comes back. While the keys rise (in
 * code-unit order, or by length and then code units, as numbers written without leading zeros do), a key
 * above the last is new; otherwise the keys themselves tell, while there are at most CLOSED_KEYS_MAX of them.
 */
export class ClosedKeys {
  private last: string | null = null;
  private risingAsText = true;
  private risingAsNumber = true;
  private keys: Set<string> | null = new Set();

  constructor(private readonly max = CLOSED_KEYS_MAX) {}

  close(key: string): void {
    const last = this.last;
    if (last !== null) {
      this.risingAsText &&= key > last;
      this.risingAsNumber &&= aboveAsNumber(key, last);
    }
    this.last = key;
    if (this.keys !== null && this.keys.size >= this.max) this.keys = null;
    this.keys?.add(key);
  }

  /** Was `key` never closed? False also when that cannot be told. */
  isNew(key: string): boolean {
    const last = this.last;
    if (last === null) return true;
    if ((this.risingAsText && key > last) || (this.risingAsNumber && aboveAsNumber(key, last))) return true;
    return this.keys !== null && !this.keys.has(key);
  }
}

/** Is `a` after `b` by length, then code units? */
function aboveAsNumber(a: string, b: string): boolean {
  return a.length > b.length || (a.length === b.length && a > b);
}

/**
 * The sharded judge: shard files 0..n-1 hold the records (see addRecord); `alone` holds the output lines of
 * the records judged alone, and `results-S` those of shard S (see addResult), written to be cut off their
 * file as they are read back (ChunkedEntries, ShrinkingReader): the output written meanwhile takes the pages
 * they give back.
 */
class Sharded {
  private readonly folder = new ShardFolder();
  private readonly unboundHeap = boundHeapGrowth();
  private readonly writers: EntryWriter[];
  /** Per record, the file its result comes from: blocks of WHERE_BLOCK records (two bytes each, never copied to grow). */
  private readonly where: Uint16Array[] = [];

  constructor(private readonly validator: Validator, private readonly options: object, private readonly n: number, private readonly sink: ResultSink) {
    this.writers = Array.from({ length: n + 1 }, (_, s) => new EntryWriter(this.folder.path(s === n ? 'alone' : `shard-${s}`), SHARD_BLOCK));
  }

  add(index: number, record: unknown, side: Side | null, text: string | undefined): undefined {
    const key = side?.problem === undefined ? this.validator.shardKey!(record, this.options) : null;
    const block = Math.floor(index / WHERE_BLOCK);
    while (this.where.length <= block) this.where.push(new Uint16Array(WHERE_BLOCK));
    const where = this.where[block]!;
    if (key === null) {
      where[index % WHERE_BLOCK] = this.n;
      addResult(this.writers[this.n]!, this.sink.format.line(counted(this.sink, this.validator.validateLine!(record, this.options), index, side)));
    } else {
      const s = shardOf(key, this.n);
      where[index % WHERE_BLOCK] = s;
      addRecord(this.writers[s]!, index, record, side, text);
    }
    return undefined;
  }

  /** Judge each shard on its own (counting its results and writing their text beside it), then copy the text out in input order. */
  async write(count: number, writer: ResultWriter, progress: (written: number) => void): Promise<void> {
    for (const w of this.writers) w.end();
    const { stats, format } = this.sink;
    const months = stats.detailed;
    // Each shard's results go to a file of their own, in chunks that are cut off the file as they are read.
    const chunks: number[][] = [];
    const out = new ChunkedEntries(READ_BLOCK);
    for (let s = 0; s < this.n; s++) {
      let sizes: number[] = [];
      if (this.writers[s]!.count > 0) {
        const entries = readEntries(this.folder.path(`shard-${s}`)) as [number, unknown, Side | null][];
        // Read once: removed at once, so the system need not keep or write back its pages.
        rmSync(this.folder.path(`shard-${s}`));
        const run = this.validator.createValidator!(this.options);
        const month: (string | null)[] = [];
        for (const entry of entries) {
          // A record read as JSON text has no side; its month comes from the record, as the reader's side would have had it.
          if (months) month.push(entry[2]?.month ?? (entry[2] === null ? monthOf(entry[1]) : null));
          run.add(entry[1]);
          entry[1] = null; // the validator keeps what it needs
        }
        const results = run.finish();
        for (let k = 0; k < results.length; k++) {
          const result = results[k]!;
          const [index, , side] = entries[k]!;
          result.index = index;
          const r = withSide(result, side);
          stats.add(r, months ? month[k]! : null);
          addResult(out, format.line(r));
        }
        sizes = out.write(this.folder.path(`results-${s}`));
        await turn();
      }
      chunks.push(sizes);
    }
    if (writer.gone) return;
    const alone = this.writers[this.n]!;
    const aloneFile = openSync(alone.path, 'r');
    const files = new OpenFiles();
    const shards = chunks.map((sizes, s) => new ShrinkingReader(this.folder.path(`results-${s}`), sizes, undefined, files));
    const readers = [...shards, new EntryReader(aloneFile, 0, alone.size, READ_BLOCK)];
    try {
      for (let i = 0; i < count && !writer.gone; i++) {
        const reader = readers[this.where[Math.floor(i / WHERE_BLOCK)]![i % WHERE_BLOCK]!]!;
        const bytes = reader.line();
        const full = bytes[reader.start] === TEXT
          ? writer.writeBytes(bytes, reader.start + 1, reader.end)
          : writer.writeLine(JSON.parse(bytes.toString('utf8', reader.start + 1, reader.end)) as string);
        if (full !== undefined) await full;
        if ((i & 0xfff) === 0xfff) {
          progress(i + 1);
          if ((i & 0xffff) === 0xffff) await turn();
        }
      }
    } finally {
      closeSync(aloneFile);
      for (const reader of shards) reader.close();
    }
  }

  dispose(): void {
    this.folder.remove();
    this.unboundHeap();
  }
}

const TEXT = 84; // T

/**
 * A result's output line (its text without the line ending) as an entry of a results file: `T` and the line
 * itself when it holds no line break (always for JSON Lines; CSV unless a cell holds one), else `Q` and the
 * line as a JSON string.
 */
function addResult(file: EntryWriter | ChunkedEntries, line: string): void {
  if (line.indexOf('\n') === -1) file.addParts('T', line);
  else file.addLine(`Q${JSON.stringify(line)}\n`);
}

/**
 * A record as an entry of a shard file: `R` with its index and the JSON line's own text when it has one (and
 * the reader knew nothing else of it but its month, which comes back from the record); else `J` and
 * `[index, record, side]` as JSON when JSON carries them exactly, else a structured clone (shards.ts).
 */
function addRecord(file: EntryWriter, index: number, record: unknown, side: Side | null, text: string | undefined): void {
  if (text !== undefined && (side === null || (side.problem === undefined && side.origin === undefined))) return file.addParts(`R${index} `, text);
  const json = JSON.stringify(record) as string | undefined;
  if (typeof json !== 'string' || (json.includes('null') && hasNonFinite(record)) || (side !== null && !sideExact(side))) return file.addLine(encodeEntry([index, record, side]));
  file.addLine(`J[${index},${json},${JSON.stringify(side)}]\n`);
}

/** Are the values of an object (not nested) all text, booleans, null or finite numbers? */
function flatAndExact(o: object): boolean {
  for (const k in o) {
    const v = (o as Record<string, unknown>)[k];
    if (typeof v === 'number' ? !Number.isFinite(v) : v !== null && typeof v === 'object') return false;
  }
  return true;
}

/** Does JSON carry what the reader knew of a record exactly? */
function sideExact(side: Side): boolean {
  return flatAndExact(side) || (side.origin !== undefined && flatAndExact(side.origin) && flatAndExact({ ...side, origin: null }));
}
