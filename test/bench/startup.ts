/**
 * npm run bench:startup — how fast the built `codeguide` command starts,
 * against `node -e 0` measured in the same run (medians of 5, runs of each
 * kind alternating, so a busy machine slows all of them alike):
 *
 *   codeguide --help                         within 100 ms of node -e 0
 *   codeguide validate --bundle (one line)   within 200 ms of node -e 0
 *   codeguide check rules/dhcs-ecm-cs        within 1 s
 *
 * Then where `check` spends its time: loading the structure check (its Ajv
 * validator precompiled by the build), chevrotain, the expression parser's
 * construction, loading the rules (rule files in plain YAML are read without
 * the yaml package: the breakdown says whether it was loaded), the examples.
 * The script builds first (see package.json), so it times build/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const RUNS = Number(process.env.STARTUP_RUNS ?? 5);
const RULES = 'rules/dhcs-ecm-cs';
const BIN = 'compiler/bin.mjs';

if (!existsSync('build/.built')) throw new Error('no build: run npm run build first');
const work = mkdtempSync(join(tmpdir(), 'codeguide-startup-'));
const bundle = join(work, 'bundle.mjs');
const oneLine = join(work, 'one.jsonl');
writeFileSync(oneLine, `${JSON.stringify({ claimId: 'C1', lineNumber: 1, memberId: 'M1', serviceDate: '2024-04-01', procedureCode: 'G9008', modifiers: ['U1'], units: 1 })}\n`);

function run(argv: string[], okCodes = [0]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!okCodes.includes(r.status ?? -1)) throw new Error(`node ${argv.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return ms;
}

run([BIN, 'compile', RULES, '--out', bundle]);

const cases: { name: string; argv: string[]; target: (node: number) => number; targetText: string }[] = [
  { name: 'node -e 0', argv: ['-e', '0'], target: () => Infinity, targetText: '' },
  { name: 'codeguide --help', argv: [BIN, '--help'], target: (n) => n + 100, targetText: 'node + 100 ms' },
  { name: 'validate --bundle (1 line)', argv: [BIN, 'validate', '--bundle', bundle, oneLine], target: (n) => n + 200, targetText: 'node + 200 ms' },
  { name: `check ${RULES}`, argv: [BIN, 'check', RULES], target: () => 1000, targetText: '1000 ms' },
];

const times = cases.map(() => [] as number[]);
for (let i = 0; i < RUNS; i++) cases.forEach((c, k) => times[k]!.push(run(c.argv)));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const medians = times.map(median);
const node = medians[0]!;

console.log(`startup, medians of ${RUNS} (ms):`);
let missed = 0;
cases.forEach((c, k) => {
  const m = medians[k]!;
  const target = c.target(node);
  const verdict = Number.isFinite(target) ? (m <= target ? `within ${c.targetText} (${target.toFixed(0)})` : `MISSES ${c.targetText} (${target.toFixed(0)})`) : '';
  if (Number.isFinite(target) && m > target) missed++;
  console.log(`  ${c.name.padEnd(34)}${m.toFixed(0).padStart(6)}   ${verdict}`);
});

// Where check spends its time: each step timed in one fresh process, from the build.
const url = (p: string) => pathToFileURL(join(process.cwd(), p)).href;
const phases = `
const t0 = performance.now(); let last = t0; const out = [];
const lap = (name) => { const now = performance.now(); out.push([name, now - last]); last = now; };
await import(${JSON.stringify(url('build/compiler/schema.js'))}); lap('structure check (precompiled Ajv)');
await import(${JSON.stringify(url('build/vendor/chevrotain.mjs'))}); lap('import chevrotain');
await import(${JSON.stringify(url('build/grammar/index.js'))}); lap('expression parser construction');
const { loadRules } = await import(${JSON.stringify(url('build/compiler/compile.js'))}); lap('import the rest of the compiler');
const loaded = loadRules(${JSON.stringify(RULES)}); lap('load, check and resolve the rules');
const { runExamples } = await import(${JSON.stringify(url('build/compiler/examples.js'))});
for (const rs of loaded.versions) await runExamples(rs);
lap('emit and run the examples');
out.push(['total (after node start)', performance.now() - t0]);
const { createRequire } = await import('node:module');
const yamlPath = createRequire(${JSON.stringify(url('package.json'))}).resolve('yaml');
out.push(['yaml package loaded (1 = yes)', yamlPath in createRequire(${JSON.stringify(url('package.json'))}).cache ? 1 : 0]);
console.log(JSON.stringify(out));
`;
const breakdown = new Map<string, number[]>();
for (let i = 0; i < RUNS; i++) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', phases], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  for (const [name, ms] of JSON.parse(r.stdout) as [string, number][]) breakdown.set(name, [...(breakdown.get(name) ?? []), ms]);
}
console.log(`\nwhere check spends its time, medians of ${RUNS} (ms):`);
for (const [name, xs] of breakdown) console.log(`  ${name.padEnd(34)}${median(xs).toFixed(0).padStart(6)}`);

rmSync(work, { recursive: true, force: true });
if (missed) {
  console.log(`\n${missed} target(s) missed`);
  process.exitCode = 1;
}
