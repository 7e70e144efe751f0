/**
 * The input readers alone (JSON Lines, X12 837P, CSV) on the files the CLI bench
 * makes: `readItemBatches` over a file stream, as `validate` drives it, every item
 * kept (as the in-memory path holds them) or, with BENCH_KEEP=0, each batch let go
 * once counted (as a consumer that hands records on does). Prints the median time
 * per format with lines/s and MB/s.
 *
 *   node --expose-gc --import tsx test/bench/readers.ts
 *   BENCH_BASE=main node --expose-gc --import tsx test/bench/readers.ts   # A/B against the readers of a git revision
 *
 * With BENCH_BASE the readers of that revision (its `compiler/` and `runtime/`
 * taken out with `git archive` into `.tmp/`) run in the same process, alternating
 * with the current ones round by round, and the ratio current / base is printed.
 * BENCH_LINES sets the size (200,000), BENCH_ROUNDS the rounds (5), BENCH_FORMATS
 * the formats (jsonl,x12,csv).
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ReadItem } from '../../compiler/io/items.ts';
import { readItemBatches, type InputFormat } from '../../compiler/io/source.ts';
import { writeBenchFiles } from './files.ts';

type BatchReader = (format: InputFormat, chunks: AsyncIterable<Buffer>, file: string) => AsyncGenerator<ReadItem[]>;

const N = Number(process.env.BENCH_LINES ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const FORMATS = (process.env.BENCH_FORMATS ?? 'jsonl,x12,csv').split(',') as InputFormat[];
const BASE = process.env.BENCH_BASE;
const KEEP = process.env.BENCH_KEEP !== '0';

/** The readers of a git revision, taken out into .tmp/ beside the sources (so that packages resolve). */
async function baseReader(rev: string): Promise<BatchReader> {
  const sha = execFileSync('git', ['rev-parse', '--short', rev], { encoding: 'utf8' }).trim();
  const dir = resolve('.tmp', `readers-base-${sha}`);
  if (!existsSync(join(dir, 'compiler', 'io', 'source.ts'))) {
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['archive', sha, 'compiler', 'runtime'], { maxBuffer: 1 << 28 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    if (!existsSync(join(dir, 'node_modules'))) symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
  }
  const mod = (await import(pathToFileURL(join(dir, 'compiler', 'io', 'source.ts')).href)) as { readItemBatches: BatchReader };
  return mod.readItemBatches;
}

/** Read a file with a reader, keeping every item or not (KEEP); the time in ms and the item count. */
async function timeRead(read: BatchReader, format: InputFormat, path: string): Promise<[number, number]> {
  (globalThis as { gc?: () => void }).gc?.();
  const items: ReadItem[] = [];
  let count = 0;
  const t0 = performance.now();
  for await (const batch of read(format, createReadStream(path, { highWaterMark: 256 * 1024 }), path)) {
    count += batch.length;
    if (KEEP) for (const item of batch) items.push(item);
  }
  return [performance.now() - t0, count];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const work = mkdtempSync(join(tmpdir(), 'codeguide-bench-readers-'));
try {
  const files = writeBenchFiles(work, N);
  const base = BASE === undefined ? null : await baseReader(BASE);
  console.log(`codeguide reader bench: ${N.toLocaleString('en-US')} lines per format, items ${KEEP ? 'kept' : 'let go'}, ${ROUNDS} rounds${base ? `, alternating with the readers of ${BASE}` : ''}, medians`);
  for (const format of FORMATS) {
    const path = files[format];
    const mb = statSync(path).size / 1e6;
    const now: number[] = [];
    const then: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const [t, n] = await timeRead(readItemBatches, format, path);
      if (n !== N) throw new Error(`${format}: ${n} items for ${N} lines`);
      now.push(t);
      if (base !== null) then.push((await timeRead(base, format, path))[0]);
    }
    const rate = (ms: number): string => `${Math.round((N / ms) * 1000).toLocaleString('en-US').padStart(9)} lines/s ${((mb / ms) * 1000).toFixed(1).padStart(6)} MB/s`;
    const m = median(now);
    let line = `${format.padEnd(6)} ${mb.toFixed(1).padStart(6)} MB  reader ${m.toFixed(0).padStart(5)} ms (${rate(m)})`;
    if (base !== null) line += `  ${BASE} ${median(then).toFixed(0).padStart(5)} ms  ratio ${(m / median(then)).toFixed(2)}`;
    console.log(line);
    console.log(`${''.padEnd(16)}rounds: ${now.map((t) => t.toFixed(0)).join(' ')}${base ? `  |  ${BASE}: ${then.map((t) => t.toFixed(0)).join(' ')}` : ''}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
