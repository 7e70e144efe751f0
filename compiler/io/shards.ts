/**
 * Temporary shard files, for inputs larger than memory. `validate` writes
 * each record to the shard of its cross-line key (the bundle's `shardKey`:
 * records in different shards never change each other's results), judges
 * each shard on its own, and puts the results back in input order — so
 * memory holds one shard, not the file, and the output is the same as
 * judging everything at once.
 *
 * An entry is one line of JSON (`J…`). A value JSON cannot carry exactly —
 * a number that is not finite, which a reader can produce from `1e999` — is
 * written as a structured clone instead (`V` + base64 of `node:v8`
 * serialize), so every value comes back as it was read. A record read from
 * a JSON Lines line is written as `R`, its index, a space and the line's own
 * text, and comes back as `[index, record, null]` (parsing the text again
 * gives what the reader's parse gave, `1e999` included).
 */
import { appendFileSync, closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize, setFlagsFromString } from 'node:v8';

const BLOCK = 1 << 20;

/** Does a value hold a number JSON would turn into null? */
export function hasNonFinite(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (v === null || typeof v !== 'object') return false;
  for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k) && hasNonFinite((v as Record<string, unknown>)[k])) return true;
  return false;
}

/** One entry as a line of text. */
export function encodeEntry(value: unknown): string {
  const text = JSON.stringify(value);
  if (text.includes('null') && hasNonFinite(value)) return `V${serialize(value).toString('base64')}\n`;
  return `J${text}\n`;
}

/** The value of an entry's line (without its line break). */
export function decodeEntry(line: string): unknown {
  const kind = line.charCodeAt(0);
  if (kind === 82 /* R */) {
    const space = line.indexOf(' ');
    return [Number(line.slice(1, space)), JSON.parse(line.slice(space + 1)), null];
  }
  return kind === 86 /* V */ ? deserialize(Buffer.from(line.slice(1), 'base64')) : JSON.parse(line.slice(1));
}

/**
 * An append-only file of entries. Each line is copied into a block of `block` bytes as it is added (so no
 * text it came from is kept alive: a JSON Lines line is a slice of its whole chunk's text), and the block is
 * appended when full; the file is open only while it is written to, so hundreds of shards never hold
 * hundreds of descriptors.
 */
export class EntryWriter {
  private bytes: Buffer;
  private at = 0;
  count = 0;
  /** Bytes appended to the file so far. */
  size = 0;

  constructor(readonly path: string, block = BLOCK) {
    writeFileSync(path, '');
    this.bytes = Buffer.allocUnsafe(block);
  }

  add(value: unknown): void {
    this.addLine(encodeEntry(value));
  }

  /** Add an entry already written as its line (what encodeEntry gives for it). */
  addLine(line: string): void {
    this.count++;
    const room = this.bytes.length - this.at;
    if (line.length * 3 > room && Buffer.byteLength(line) > room) {
      this.flush();
      if (Buffer.byteLength(line) > this.bytes.length) {
        appendFileSync(this.path, line);
        this.size += Buffer.byteLength(line);
        return;
      }
    }
    this.at += this.bytes.write(line, this.at);
  }

  /**
   * Add an entry written as `head`, then `text` (which holds no line break), then a line break: each is
   * copied as it is, so the text is never joined into a new string first.
   */
  addParts(head: string, text: string): void {
    const room = this.bytes.length - this.at - head.length - 1;
    if (text.length * 3 > room && Buffer.byteLength(text) > room) {
      this.flush();
      if (Buffer.byteLength(text) + head.length + 1 > this.bytes.length) {
        this.addLine(`${head}${text}\n`);
        return;
      }
    }
    this.count++;
    this.at += this.bytes.write(head, this.at, 'latin1'); // ASCII
    this.at += this.bytes.write(text, this.at);
    this.bytes[this.at++] = 10;
  }

  /** The file is complete: append what is pending, and let the block go (hundreds of shards hold one each). */
  end(): void {
    this.flush();
    this.bytes = Buffer.alloc(0);
  }

  /** Append what is pending (also called at the end: the file is then complete). */
  flush(): void {
    if (this.at === 0) return;
    appendFileSync(this.path, this.bytes.subarray(0, this.at));
    this.size += this.at;
    this.at = 0;
  }
}

/** Every entry of a file, at once (a shard fits in memory by design). */
export function readEntries(path: string): unknown[] {
  const text = readFileSync(path, 'utf8');
  const out: unknown[] = [];
  for (let at = 0; at < text.length;) {
    const end = text.indexOf('\n', at);
    out.push(decodeEntry(text.slice(at, end)));
    at = end + 1;
  }
  return out;
}

/**
 * Reads the entries of `[from, to)` of an open file one at a time, in blocks of `block` bytes, by position:
 * several readers share one descriptor (every shard's results are one file), so the number of shards never
 * meets the limit on open files.
 */
export class EntryReader {
  private bytes = Buffer.alloc(0);
  private at = 0;
  /** Where the line `line()` returned starts in its bytes. */
  start = 0;
  /** Where it ends: the offset of its line break. */
  end = 0;

  constructor(private readonly fd: number, private position: number, private readonly to: number, private readonly block = 64 << 10) {}

  /** The next entry; throws when the range has no more (the caller knows how many there are). */
  next(): unknown {
    const bytes = this.line();
    return decodeEntry(bytes.toString('utf8', this.start, this.end));
  }

  /** The next entry's line, undecoded: the bytes that hold it, from `start` to its line break at `end`. */
  line(): Buffer {
    let end = this.bytes.indexOf(10, this.at);
    while (end < 0) {
      this.fill();
      end = this.bytes.indexOf(10, this.at);
    }
    this.start = this.at;
    this.end = end;
    this.at = end + 1;
    return this.bytes;
  }

  private fill(): void {
    const rest = this.bytes.length - this.at;
    const want = Math.min(this.block, this.to - this.position);
    if (want <= 0) throw new Error('a shard file ended early');
    const next = Buffer.allocUnsafe(rest + want);
    this.bytes.copy(next, 0, this.at);
    const got = readSync(this.fd, next, rest, want, this.position);
    if (got === 0) throw new Error('a shard file ended early');
    this.position += got;
    this.bytes = next.subarray(0, rest + got);
    this.at = 0;
  }
}

/** A folder of temporary files (shards; a copy of standard input) that removes itself, also when the process ends early (an interrupt). */
export class ShardFolder {
  readonly dir: string;
  private readonly onExit = (): void => this.remove();

  constructor(prefix = 'codeguide-shards-') {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    process.once('exit', this.onExit);
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  remove(): void {
    process.off('exit', this.onExit);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * V8's heap growing factor (as `--heap-growing-percent`) while an input is judged in shards. Judging a shard
 * keeps little alive (one shard's records and the validator's state for them, about 25 MB) but makes much
 * garbage, and by default V8 lets the old generation grow to several times what is alive before a full
 * collection: 10,000,000 lines in random order peaked at 233–285 MB RSS in five runs, above the CLI's
 * 256 MB in two. With a factor of 2 they peaked at 211–226 MB in three runs, and 1,000,000 lines at
 * 157–172 MB instead of 186–211, in the same time (test/bench/memory.ts; a factor of 1.25 took about 10 %
 * longer at 1M lines).
 */
export const SHARDED_HEAP_GROWING_PERCENT = 100;

/**
 * Bound the heap's growth while judging in shards (see SHARDED_HEAP_GROWING_PERCENT); the function returned
 * puts V8's own choice back. A process started with its own `--heap-growing-percent` keeps it.
 */
export function boundHeapGrowth(): () => void {
  const given = /--heap[-_]growing[-_]percent/;
  if (process.execArgv.some((a) => given.test(a)) || given.test(process.env.NODE_OPTIONS ?? '')) return () => {};
  setFlagsFromString(`--heap-growing-percent=${SHARDED_HEAP_GROWING_PERCENT}`);
  return () => setFlagsFromString('--heap-growing-percent=0'); // 0: V8 chooses
}

/** A stable small hash of a shard key (FNV-1a over UTF-16 code units). */
export function shardOf(key: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % count;
}
