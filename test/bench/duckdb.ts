/**
 * Benchmark of the DuckDB engine beside the JavaScript CLI: generated JSON
 * Lines files of 1M and 10M lines (BENCH_LINES picks one size), each judged
 * by `codeguide validate --bundle` and by `codeguide validate --engine duckdb`,
 * each in a process of its own; wall time and peak resident memory of each.
 *
 *   node --import tsx test/bench/duckdb.ts            # 1M and 10M
 *   BENCH_LINES=1000000 npm run bench                 # from the main bench
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { loadRules } from '../../compiler/compile.ts';
import { generateLines } from '../sql/generate.ts';

const RULES = 'rules/dhcs-ecm-cs';
const DIR = '.tmp/bench';

async function writeLines(path: string, n: number): Promise<void> {
  const loaded = loadRules(RULES);
  const rs = loaded.versions[loaded.versions.length - 1]!;
  const out = createWriteStream(path);
  let i = 0;
  for (const rec of generateLines(rs, { lines: n, perMember: 40, uncarried: 0.001 })) {
    rec.claimId = `C${i++}`;
    if (!out.write(`${JSON.stringify(rec)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Wall time and peak RSS of a command, from GNU time. */
function measure(args: string[]): { seconds: number; peakMb: number; ok: boolean } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'peak-rss-kb %M', ...args], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  const kb = Number(/peak-rss-kb (\d+)/.exec(r.stderr ?? '')?.[1] ?? NaN);
  return { seconds, peakMb: kb / 1024, ok: r.status === 0 || r.status === 1 };
}

/** The DuckDB part of `npm run bench`. */
export async function benchDuckDb(): Promise<void> {
  const sizes = process.env.BENCH_LINES ? [Number(process.env.BENCH_LINES)] : [1_000_000, 10_000_000];
  mkdirSync(DIR, { recursive: true });
  // Compiled afresh, so the JS side is the bundle these sources print (not an older dist/ file).
  const bundle = join(DIR, 'dhcs-ecm-cs.mjs');
  spawnSync(process.execPath, ['compiler/bin.mjs', 'compile', RULES, '--out', bundle], { stdio: 'ignore' });
  for (const n of sizes) {
    const file = join(DIR, `lines-${n}.jsonl`);
    if (!existsSync(file)) await writeLines(file, n);
    const mb = statSync(file).size / 1e6;
    const js = measure([process.execPath, 'compiler/bin.mjs', 'validate', '--bundle', bundle, '--out', '/dev/null', file]);
    const duck = measure([process.execPath, 'compiler/bin.mjs', 'validate', '--engine', 'duckdb', '--rules', RULES, '--out', '/dev/null', file]);
    const line = (label: string, m: { seconds: number; peakMb: number; ok: boolean }) =>
      console.log(`  ${label.padEnd(28)} ${m.seconds.toFixed(1).padStart(7)} s  ${Math.round(n / m.seconds).toLocaleString('en-US').padStart(10)} lines/s  peak RSS ${m.peakMb.toFixed(0)} MB${m.ok ? '' : '  (failed)'}`);
    console.log(`DuckDB engine vs JS CLI: ${n.toLocaleString('en-US')} lines (${mb.toFixed(0)} MB of JSON Lines)`);
    line('codeguide validate (bundle)', js);
    line('DuckDB engine', duck);
  }
}

if (process.argv[1]?.endsWith(join('test', 'bench', 'duckdb.ts'))) await benchDuckDb();
