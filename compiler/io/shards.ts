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
import { appendFileSync, closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync, writevSync } from 'node:fs';
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
 * Entries gathered a block of bytes at a time: each line is copied into the block as it is added (so no text
 * it came from is kept alive: a JSON Lines line is a slice of its whole chunk's text), and a full block is
 * handed to `spill`. What becomes of the blocks is the subclass's.
 */
abstract class EntryBlocks {
  protected bytes: Buffer;
  protected at = 0;
  count = 0;

  constructor(block: number) {
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
      if (Buffer.byteLength(line) > this.bytes.length) return this.spill(Buffer.from(line));
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

  /** Hand over what is pending. */
  flush(): void {
    if (this.at === 0) return;
    const full = this.bytes.subarray(0, this.at);
    this.at = 0;
    this.spill(full);
  }

  /** Whole entries, in order: the block itself (reused once this returns: the subclass copies what it keeps), or one entry larger than a block. */
  protected abstract spill(bytes: Buffer): void;
}

/**
 * An append-only file of entries, appended a block at a time; the file is open only while it is written to,
 * so hundreds of shards never hold hundreds of descriptors.
 */
export class EntryWriter extends EntryBlocks {
  /** Bytes appended to the file so far. */
  size = 0;

  constructor(readonly path: string, block = BLOCK) {
    super(block);
    writeFileSync(path, '');
  }

  /** The file is complete: append what is pending, and let the block go (hundreds of shards hold one each). */
  end(): void {
    this.flush();
    this.bytes = Buffer.alloc(0);
  }

  protected spill(bytes: Buffer): void {
    appendFileSync(this.path, bytes);
    this.size += bytes.length;
  }
}

/**
 * Entries to be read back first to last from a file that shrinks as it is read (ShrinkingReader): they are
 * gathered in chunks of at most `chunk` bytes (an entry larger than that is a chunk of its own), and
 * `write` puts the chunks in the file last first, so that the first chunk is at its end. Reading a chunk and
 * then cutting it off the file gives its pages back at once; a run that writes its output while it reads
 * such files writes into pages just given back, which a virtual machine provides far more cheaply than
 * pages it has not had in use (test/bench/memory.ts).
 */
export class ChunkedEntries extends EntryBlocks {
  private chunks: Buffer[] = [];
  /** Blocks the chunks are copied into, kept from one file to the next (so a run allocates them once). */
  private readonly arena: Buffer[] = [];
  private block = 0;
  private used = 0;

  constructor(chunk: number, private readonly arenaBlock = 1 << 20) {
    super(chunk);
  }

  /**
   * Write the chunks to `path`, last first, and start again empty (for the next file); the sizes of the chunks,
   * first first (what ShrinkingReader needs).
   */
  write(path: string): number[] {
    this.flush();
    const fd = openSync(path, 'w');
    try {
      writeAll(fd, this.chunks.slice().reverse());
    } finally {
      closeSync(fd);
    }
    const sizes = this.chunks.map((c) => c.length);
    this.chunks = [];
    this.block = 0;
    this.used = 0;
    this.count = 0;
    return sizes;
  }

  protected spill(bytes: Buffer): void {
    // The next block with room (a block too small for an entry larger than a chunk is passed over), or a new one.
    while (this.block < this.arena.length && this.used + bytes.length > this.arena[this.block]!.length) {
      this.block++;
      this.used = 0;
    }
    if (this.block === this.arena.length) this.arena.push(Buffer.allocUnsafe(Math.max(this.arenaBlock, bytes.length)));
    const to = this.arena[this.block]!;
    bytes.copy(to, this.used);
    this.chunks.push(to.subarray(this.used, this.used + bytes.length));
    this.used += bytes.length;
  }
}

/** Write buffers one after another, a system call for many (writev), however many bytes each call takes. */
function writeAll(fd: number, buffers: Buffer[]): void {
  for (let k = 0; k < buffers.length;) {
    let wrote = writevSync(fd, buffers.slice(k, k + 1024));
    while (k < buffers.length && wrote >= buffers[k]!.length) wrote -= buffers[k++]!.length;
    if (wrote > 0) buffers[k] = buffers[k]!.subarray(wrote);
  }
}

/** How many files readers may keep open at once (beyond it, a reader opens its file for each chunk). */
export class OpenFiles {
  open = 0;
  constructor(readonly max = 1000) {}
}

/**
 * Reads, one entry at a time, a file written by ChunkedEntries (`sizes`: what its write returned): a chunk at
 * a time from the file's end, cutting what was read off the file once `cut` bytes have been (a cut is a
 * transaction of the file system: not one per chunk), and removing the file after its last chunk. The file
 * stays open from the first chunk to the last while `files` allows, else it is opened for each chunk, so the
 * number of files never meets the limit on open files; `close` closes it early.
 */
export class ShrinkingReader {
  private bytes = Buffer.alloc(0);
  private at = 0;
  private length = 0;
  private next = 0;
  private fd = -1;
  /** Bytes of the file not read yet (they come first in the file). */
  private unread: number;
  /** Bytes of the file now: the unread, then those read since it was last cut. */
  private onDisk: number;
  /** Where the line `line()` returned starts in its bytes. */
  start = 0;
  /** Where it ends: the offset of its line break. */
  end = 0;

  constructor(private readonly path: string, private readonly sizes: readonly number[], private readonly cut = 1 << 20, private readonly files = new OpenFiles()) {
    this.unread = this.onDisk = sizes.reduce((a, b) => a + b, 0);
  }

  /** The next entry's line, undecoded: the bytes that hold it, from `start` to its line break at `end`. */
  line(): Buffer {
    if (this.at === this.length) this.fill();
    const end = this.bytes.indexOf(10, this.at);
    if (end < 0 || end >= this.length) throw new Error('a results file ended early');
    this.start = this.at;
    this.end = end;
    this.at = end + 1;
    return this.bytes;
  }

  /** Close the file, if it is open. */
  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
    this.files.open--;
  }

  private fill(): void {
    const want = this.sizes[this.next++];
    if (want === undefined) throw new Error('a results file ended early');
    if (this.bytes.length < want) this.bytes = Buffer.allocUnsafe(want);
    this.unread -= want;
    let fd = this.fd;
    if (fd < 0) {
      fd = openSync(this.path, 'r+');
      if (this.files.open < this.files.max) {
        this.fd = fd;
        this.files.open++;
      }
    }
    try {
      for (let got = 0; got < want;) {
        const n = readSync(fd, this.bytes, got, want - got, this.unread + got);
        if (n === 0) throw new Error('a results file ended early');
        got += n;
      }
      if (this.next < this.sizes.length && this.onDisk - this.unread >= this.cut) {
        ftruncateSync(fd, this.unread);
        this.onDisk = this.unread;
      }
    } finally {
      if (fd !== this.fd) closeSync(fd);
    }
    if (this.next === this.sizes.length) {
      this.close();
      rmSync(this.path);
    }
    this.at = 0;
    this.length = want;
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
