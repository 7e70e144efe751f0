/**
 * Judging a whole input with a bundle, in memory or in shards (compiler/io/shards.ts), with the same results
 * either way: one per record, in input order, each with what the reader knew of it (its problem, its 837
 * origin) and its month of service for the run report.
 *
 * In memory, every record goes to one `createValidator` and the results come when the input ends. In shards
 * (a large input), each record is written to the temporary shard of its cross-line key (`shardKey`); a
 * record no other line can change (`shardKey` null: not a valid record, or no cross-line rules) is judged at
 * once with `validateLine`. When the input ends each shard is judged on its own and its results written to
 * a file; then the results are read back in input order. Memory holds one shard and two bytes per record.
 */
import type { LineResult } from '../interpret.ts';
import { problemResult, type Origin } from './items.ts';
import type { OutputResult } from './output.ts';
import { EntryReader, EntryWriter, readEntries, ShardFolder, shardOf } from './shards.ts';

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

/** Inputs at least this large are judged in shards (`--shards auto`). */
export const SHARD_MIN_BYTES = 32 << 20;
/** Input bytes per shard (`--shards auto`): about 10,000 JSON Lines records, judged in well under 100 MB. */
export const SHARD_BYTES = 2 << 20;
/** Shards for an input of unknown size (standard input) that passes SHARD_MIN_BYTES. */
export const SHARDS_UNKNOWN_SIZE = 64;
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

type Entry = [record: unknown, side: Side | null];

export class Judge {
  /** Records added so far. */
  count = 0;
  private run: { add(line: unknown): void; finish(): LineResult[] } | null = null;
  private readonly sides = new Map<number, Side>();
  /** Records held while the size of an input is unknown. */
  private held: Entry[] | null = null;
  private sharded: Sharded | null = null;

  /**
   * `shards`: how many (0: in memory; null: decide once `minBytes` of input have been read — in memory if the
   * input ends before, else in SHARDS_UNKNOWN_SIZE shards).
   */
  constructor(private readonly validator: Validator, private readonly options: object, shards: number | null, private readonly minBytes = SHARD_MIN_BYTES) {
    const canShard = typeof validator.shardKey === 'function' && typeof validator.validateLine === 'function' && typeof validator.createValidator === 'function';
    if (shards === null) this.held = [];
    else if (shards > 0 && canShard) this.sharded = new Sharded(validator, options, shards);
    if (!canShard && shards === null) this.held = null;
  }

  add(record: unknown, side: Side | null, bytesRead: number): void {
    const index = this.count++;
    if (this.sharded !== null) return this.sharded.add(index, record, side);
    if (this.held !== null) {
      this.held.push([record, side]);
      if (bytesRead >= this.minBytes) {
        // Large after all: shard what was held, and everything after it.
        const held = this.held;
        this.held = null;
        this.sharded = new Sharded(this.validator, this.options, SHARDS_UNKNOWN_SIZE);
        held.forEach(([r, s], i) => this.sharded!.add(i, r, s));
      }
      return;
    }
    this.addInMemory(index, record, side);
  }

  private addInMemory(index: number, record: unknown, side: Side | null): void {
    this.run ??= this.validator.createValidator?.(this.options) ?? collecting(this.validator, this.options);
    this.run.add(record);
    if (side !== null) this.sides.set(index, side);
  }

  /** Every result, in input order, with its month of service. */
  *results(): Generator<[OutputResult, string | null]> {
    if (this.sharded !== null) {
      yield* this.sharded.results(this.count);
      return;
    }
    if (this.held !== null) {
      this.held.forEach(([r, s], i) => this.addInMemory(i, r, s));
      this.held = null;
    }
    if (this.run === null) return;
    for (const result of this.run.finish()) {
      const side = this.sides.get(result.index);
      if (side !== undefined) this.sides.delete(result.index);
      yield [withSide(result, side), side?.month ?? null];
    }
  }

  /** Remove temporary files (always called, also after an error). */
  dispose(): void {
    this.sharded?.dispose();
  }
}

/** A result with what the reader knew of its record. */
function withSide(result: LineResult, side: Side | undefined | null): OutputResult {
  let r: OutputResult = result;
  if (side?.problem !== undefined) r = problemResult(r, side.problem);
  if (side?.origin !== undefined) r = { ...r, origin: side.origin };
  return r;
}

/** For a bundle without createValidator: gather the lines, then validate them at once. */
function collecting(validator: Validator, options: object): { add(line: unknown): void; finish(): LineResult[] } {
  const lines: unknown[] = [];
  return { add: (line) => lines.push(line), finish: () => validator.validate(lines, options) };
}

/** The sharded judge: shard files 0..n-1 hold [index, record, side]; file n holds the results judged alone. */
class Sharded {
  private readonly folder = new ShardFolder();
  private readonly writers: EntryWriter[];
  /** Per record, the file its result comes from: blocks of WHERE_BLOCK records (two bytes each, never copied to grow). */
  private readonly where: Uint16Array[] = [];

  constructor(private readonly validator: Validator, private readonly options: object, private readonly n: number) {
    this.writers = Array.from({ length: n + 1 }, (_, s) => new EntryWriter(this.folder.path(s === n ? 'alone' : `shard-${s}`), SHARD_BLOCK));
  }

  add(index: number, record: unknown, side: Side | null): void {
    const key = side?.problem === undefined ? this.validator.shardKey!(record, this.options) : null;
    const block = Math.floor(index / WHERE_BLOCK);
    while (this.where.length <= block) this.where.push(new Uint16Array(WHERE_BLOCK));
    const where = this.where[block]!;
    if (key === null) {
      where[index % WHERE_BLOCK] = this.n;
      const result = this.validator.validateLine!(record, this.options);
      result.index = index;
      this.writers[this.n]!.add([withSide(result, side), side?.month ?? null]);
    } else {
      const s = shardOf(key, this.n);
      where[index % WHERE_BLOCK] = s;
      this.writers[s]!.add([index, record, side]);
    }
  }

  *results(count: number): Generator<[OutputResult, string | null]> {
    for (const w of this.writers) w.flush();
    // Judge each shard on its own; its results go to a file beside it.
    for (let s = 0; s < this.n; s++) {
      const entries = readEntries(this.folder.path(`shard-${s}`)) as [number, unknown, Side | null][];
      if (entries.length === 0) continue;
      const run = this.validator.createValidator!(this.options);
      for (const entry of entries) {
        run.add(entry[1]);
        entry[1] = null; // the validator keeps what it needs
      }
      const results = run.finish();
      const out = new EntryWriter(this.folder.path(`results-${s}`));
      results.forEach((result, k) => {
        const [index, , side] = entries[k]!;
        result.index = index;
        out.add([withSide(result, side), side?.month ?? null]);
      });
      out.flush();
    }
    const readers = Array.from({ length: this.n + 1 }, (_, s) => (s === this.n || this.writers[s]!.count > 0 ? new EntryReader(this.folder.path(s === this.n ? 'alone' : `results-${s}`), READ_BLOCK) : null));
    try {
      for (let i = 0; i < count; i++) yield readers[this.where[Math.floor(i / WHERE_BLOCK)]![i % WHERE_BLOCK]!]!.next() as [OutputResult, string | null];
    } finally {
      for (const r of readers) r?.close();
    }
  }

  dispose(): void {
    this.folder.remove();
  }
}
