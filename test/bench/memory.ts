/**
 * Peak memory and time of `codeguide validate` (the built command, in its own
 * process) over generated JSON Lines files of 1M and 10M lines: time should
 * grow linearly (10M ≤ 11 × 1M) and peak RSS stay ≤ 256 MB, because a large
 * input is judged in shards of members (compiler/io/judge.ts). Sizes from
 * BENCH_MEMORY_LINES (comma-separated; default 1000000,10000000); `--shards`
 * values from BENCH_MEMORY_SHARDS (comma-separated; default auto), each run
 * on each size, to weigh judging in memory against shards. The members' lines
 * come in random order (judged in shards) and grouped by member, as in a file
 * sorted by member (judged as it streams); BENCH_MEMORY_ORDER (random,grouped)
 * picks. The output of every run at the smallest size (1M by default) is
 * compared byte for byte with judging everything in memory (`--shards 0`), and
 * the bench stops if they differ. Each run's user and system CPU time are
 * printed too, and their 10M/1M ratios: on a virtual machine, the system time
 * of writing temporary files and output grows faster than the lines (fresh
 * file pages cost the kernel far more than reused ones). Run by
 * `npm run bench`, or alone: `node --import tsx test/bench/memory.ts`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { prng } from '../tools/prng.ts';

const SIZES = (process.env.BENCH_MEMORY_LINES ?? '1000000,10000000').split(',').map(Number);
const SHARDS = (process.env.BENCH_MEMORY_SHARDS ?? 'auto').split(',');
const ORDERS = (process.env.BENCH_MEMORY_ORDER ?? 'random,grouped').split(',');
const work = mkdtempSync(join(tmpdir(), 'codeguide-bench-memory-'));
const CLI = pathToFileURL(resolve('build/compiler/cli.js')).href;


const COMBOS: [string, string[]][] = [['G9008', ['U1']], ['G9008', ['U8']], ['G9012', ['U2']], ['T2040', ['U6']], ['T2050', ['U6']], ['H0043', ['U6']], ['H2016', ['U6']], ['T1016', ['U8']], ['S5165', ['U6']], ['H0044', ['U2']], ['99213', []]];

/** n lines for n/40 members over three months, written as JSON Lines: members in random order, or grouped (40 lines each, one after another). */
async function writeLines(path: string, n: number, grouped: boolean): Promise<void> {
  const rand = prng(7);
  const out = createWriteStream(path);
  let buf = '';
  for (let i = 0; i < n; i++) {
    const [code, mods] = COMBOS[Math.floor(rand() * COMBOS.length)]!;
    const tele = rand() < 0.2;
    buf += `${JSON.stringify({
      claimId: `C${Math.floor(i / 4)}`, lineNumber: (i % 4) + 1, memberId: `M${grouped ? Math.floor(i / 40) : Math.floor(rand() * (n / 40))}`,
      serviceDate: `2024-0${4 + Math.floor(rand() * 3)}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`,
      procedureCode: code, modifiers: tele ? [...mods, 'GQ'] : mods, units: 1 + Math.floor(rand() * 2),
      amount: Math.round(rand() * 1000), placeOfService: tele ? '02' : '11',
    })}\n`;
    if (buf.length >= 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  await new Promise<void>((r) => out.end(buf, () => r()));
}

interface Run { seconds: number; rssMB: number; user: number; system: number }

/** Run the built CLI in a child process, results to `out`: seconds, peak RSS (MB), user and system CPU seconds. */
function validate(bundle: string, input: string, shards: string, out = join(work, 'out.jsonl')): Run {
  const script = `const { main } = await import(${JSON.stringify(CLI)}); const quiet = { write: () => true };
const code = await main(process.argv.slice(1), quiet, quiet);
const u = process.resourceUsage();
process.stdout.write(JSON.stringify({ code, maxRSS: u.maxRSS, user: u.userCPUTime, system: u.systemCPUTime }));`;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, 'validate', '--bundle', bundle, '--shards', shards, '--out', out, input], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const got = JSON.parse(r.stdout || '{}') as { code?: number; maxRSS?: number; user?: number; system?: number };
  if (got.code === undefined || got.code > 1) throw new Error(`validate failed: ${r.stderr}`);
  return { seconds, rssMB: got.maxRSS! / 1024, user: got.user! / 1e6, system: got.system! / 1e6 };
}

/** The SHA-256 of a file and its size, read as a stream (the files are larger than is worth holding). */
async function digest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `${hash.digest('hex')} (${statSync(path).size.toLocaleString('en-US')} bytes)`;
}

try {
  const bundle = join(work, 'dhcs.mjs');
  const compiled = spawnSync(process.execPath, ['compiler/bin.mjs', 'compile', 'rules/dhcs-ecm-cs', '--out', bundle], { encoding: 'utf8' });
  if (compiled.status !== 0) throw new Error(`compile failed (run npm run build first): ${compiled.stderr}`);
  console.log('codeguide memory bench: validate --out over generated JSON Lines, the built command in its own process');
  for (const order of ORDERS) {
    const timed: Run[] = [];
    console.log(order === 'grouped' ? 'each member\'s lines one after another (judged as the input streams):' : 'members in random order (judged in shards):');
    for (const n of SIZES) {
      const input = join(work, `lines-${n}.jsonl`);
      await writeLines(input, n, order === 'grouped');
      const mb = statSync(input).size / 1e6;
      for (const shards of SHARDS) {
        // Smaller sizes run three times (median time, highest peak): a short run's time moves most with the
        // load of a shared machine, and it is the divisor of the linearity ratio.
        const runs = Array.from({ length: n === Math.max(...SIZES) ? 1 : 3 }, () => validate(bundle, input, shards));
        const r = { ...[...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)]!, rssMB: Math.max(...runs.map((x) => x.rssMB)) };
        if (shards === SHARDS[0]) timed.push(r);
        console.log(`${n.toLocaleString('en-US').padStart(11)} lines ${mb.toFixed(0).padStart(6)} MB  ${SHARDS.length > 1 ? `--shards ${shards.padEnd(5)} ` : ''}${r.seconds.toFixed(1).padStart(7)} s${runs.length > 1 ? ` (median of ${runs.length})` : ''}  ${Math.round(n / r.seconds).toLocaleString('en-US').padStart(9)} lines/s  ${(mb / r.seconds).toFixed(1).padStart(5)} MB/s  peak RSS ${r.rssMB.toFixed(0)} MB (target ≤ 256)  CPU user ${r.user.toFixed(1)} s, system ${r.system.toFixed(1)} s`);
        if (n === Math.min(...SIZES) && shards !== '0') {
          // The same results as judging everything at once, in memory.
          const inMemory = join(work, 'out-in-memory.jsonl');
          validate(bundle, input, '0', inMemory);
          const [got, want] = [await digest(join(work, 'out.jsonl')), await digest(inMemory)];
          if (got !== want) throw new Error(`--shards ${shards} wrote ${got}, judging in memory (--shards 0) ${want}`);
          console.log(`${''.padStart(18)}output byte for byte that of judging in memory (--shards 0): sha256 ${got}`);
          rmSync(inMemory, { force: true });
        }
      }
      rmSync(input, { force: true });
    }
    for (let i = 1; i < SIZES.length; i++) {
      const k = SIZES[i]! / SIZES[0]!;
      const [a, b] = [timed[0]!, timed[i]!];
      console.log(`time ${SIZES[i]!.toLocaleString('en-US')} / ${SIZES[0]!.toLocaleString('en-US')} lines = ${(b.seconds / a.seconds).toFixed(2)} (linear: ${k}; target ≤ ${(k * 1.1).toFixed(1)}); CPU user ${(b.user / a.user).toFixed(2)}, system ${(b.system / a.system).toFixed(2)}`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
