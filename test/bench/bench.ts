/**
 * npm run bench — the compiled DHCS bundle against a validator written by hand
 * for speed (test/bench/handwritten.ts, which must agree with it on every line,
 * messages included) and the reference interpreter, on the same generated
 * lines in one process, alternating runs (ratios, not absolute speeds, are
 * what carry over between machines); then the CLI per input format and memory
 * at scale. Not part of npm test.
 */
import { compileBundle, loadRules } from '../../compiler/compile.ts';
import { loadBundle } from '../../compiler/examples.ts';
import { interpret } from '../../compiler/interpret.ts';
import { validateByHand } from './handwritten.ts';
import { prng } from '../tools/prng.ts';

const RULES = 'rules/dhcs-ecm-cs';
const N = Number(process.env.BENCH_LINES ?? 200_000);


function generate(n: number, combos: [string, string[]][]): unknown[] {
  const rand = prng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const lines: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const [code, mods] = rand() < 0.03 ? ['99213', []] : pick(combos);
    const tele = rand() < 0.2;
    const day = 1 + Math.floor(rand() * 28);
    lines.push({
      claimId: `C${Math.floor(i / 4)}`,
      lineNumber: (i % 4) + 1,
      memberId: `M${Math.floor(rand() * (n / 20))}`,
      serviceDate: `2024-0${4 + Math.floor(rand() * 3)}-${String(day).padStart(2, '0')}`,
      procedureCode: code,
      modifiers: tele ? [...mods, 'GQ'] : mods,
      units: 1 + Math.floor(rand() * 2),
      minutes: rand() < 0.5 ? Math.floor(rand() * 40) : undefined,
      amount: rand() < 0.5 ? Math.round(rand() * 1000) : undefined,
      placeOfService: tele ? '02' : pick(['11', '12', '02']),
      staffCredential: rand() < 0.3 ? pick(['RN', 'CHW', 'LCSW', 'MA']) : undefined,
    });
  }
  return lines;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Wall-clock and CPU time of one call, in ms (CPU time counts this process's threads: on a shared machine it is the steadier figure). */
function ms(f: () => unknown): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  f();
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

/**
 * Time several contenders in alternation (so drift on a shared machine hits all alike); medians in ms. Each
 * run starts from a collected heap (with --expose-gc, as `npm run bench` runs), so that no contender's time
 * includes collecting what the one before it left.
 */
function race(contenders: Record<string, () => unknown>, rounds: number): Record<string, { wall: number; cpu: number }> {
  const times: Record<string, { wall: number[]; cpu: number[] }> = {};
  const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
  for (const [name, f] of Object.entries(contenders)) { f(); times[name] = { wall: [], cpu: [] }; }
  for (let i = 0; i < rounds; i++) {
    for (const [name, f] of Object.entries(contenders)) {
      collect();
      const t = ms(f);
      times[name]!.wall.push(t.wall);
      times[name]!.cpu.push(t.cpu);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, t]) => [name, { wall: median(t.wall), cpu: median(t.cpu) }]));
}

function report(label: string, t: { wall: number; cpu: number }, count: number): void {
  console.log(`${label.padEnd(28)} median ${t.wall.toFixed(1).padStart(8)} ms  (${Math.round((count / t.wall) * 1000).toLocaleString('en-US')} lines/s)  CPU ${t.cpu.toFixed(1).padStart(8)} ms`);
}

const loaded = loadRules(RULES);
if (loaded.versions.length === 0) {
  console.error('rules do not compile');
  process.exit(2);
}
const bundle = compileBundle(loaded);
const mod = (await loadBundle(bundle.js)) as unknown as { validate(lines: unknown[]): unknown[] };
const rs = loaded.versions[0]!;
const lines = generate(N, rs.entries.map((e) => [e.code, e.modifiers]));
console.log(`codeguide bench: ${N.toLocaleString('en-US')} generated lines, ${rs.entries.length} catalogue entries, bundle ${bundle.js.length.toLocaleString('en-US')} bytes`);
// The hand-written baseline must agree with the bundle — status, fields, and every finding's rule, category,
// severity and message, in order (its cites are its own) — or the comparison means nothing. Checked in a
// function of its own, so that neither side's results stay alive while the two are timed.
function findingsIfAgreed(): number {
  const byHand = validateByHand(lines);
  const byBundle = mod.validate(lines) as typeof byHand;
  const gist = (r: (typeof byHand)[number]) => JSON.stringify({ ...r, findings: r.findings.map((f) => ({ ...f, cite: undefined })) });
  const disagreements = byBundle.filter((r, i) => gist(r) !== gist(byHand[i]!));
  if (disagreements.length > 0 || byBundle.length !== byHand.length) {
    console.error(`the hand-written validator disagrees with the bundle on ${disagreements.length} lines, e.g.\n${gist(disagreements[0]!)}\nvs\n${gist(byHand[disagreements[0]!.index]!)}`);
    process.exit(1);
  }
  return byBundle.reduce((n, r) => n + r.findings.length, 0);
}
const findings = findingsIfAgreed();
console.log(`the hand-written validator agrees with the bundle on all ${N.toLocaleString('en-US')} lines (${findings.toLocaleString('en-US')} findings, messages included)`);
const medians = race({ bundle: () => mod.validate(lines), hand: () => validateByHand(lines) }, 11);
const tBundle = medians.bundle!;
const tHand = medians.hand!;
report('compiled bundle validate()', tBundle, N);
report('hand-written validator', tHand, N);
const sample = lines.slice(0, Math.min(N, 5_000));
const tSample = race({ interpreter: () => interpret(loaded.versions, sample) }, 3).interpreter!;
report(`interpreter (${sample.length.toLocaleString('en-US')} lines)`, tSample, sample.length);
const tInterp = tSample.wall * (N / sample.length);
console.log(`interpreter, scaled linearly to ${N.toLocaleString('en-US')} lines: ${tInterp.toFixed(0)} ms (its cross-line pass compares lines pairwise, so this understates it)`);
console.log(`ratio: bundle / hand-written = ${(tBundle.wall / tHand.wall).toFixed(2)} wall-clock, ${(tBundle.cpu / tHand.cpu).toFixed(2)} CPU time (medians of 11 alternating runs; target ≤ 1.25)`);
console.log(`ratio: the bundle is ${(tInterp / tBundle.wall).toFixed(1)}x faster than the reference interpreter`);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc) {
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = mod.validate(lines);
  gc();
  const after = process.memoryUsage().heapUsed;
  console.log(`memory: the ${kept.length.toLocaleString('en-US')} results take ${((after - before) / 1e6).toFixed(0)} MB (${Math.round((after - before) / kept.length)} bytes a line)`);
}

// BENCH_PARTS (comma-separated: bundle, cli, memory, duckdb; default all) runs only some parts.
const parts = new Set((process.env.BENCH_PARTS ?? 'bundle,cli,memory,duckdb').split(','));
// The CLI against a plain read-parse-stringify-write pass, per input format; then memory and time at 1M and 10M lines.
if (parts.has('cli')) await import('./cli.ts');
if (parts.has('memory')) await import('./memory.ts');

// The DuckDB engine over 1M and 10M lines beside the JavaScript CLI (BENCH_LINES picks one size).
if (parts.has('duckdb')) await (await import('./duckdb.ts')).benchDuckDb();
