/**
 * What a plan profile costs the compiled DHCS bundle: validate() with no profile, with a profile selecting every
 * alternative (its own cost), with the mixed-programs example profile as `options.profile` (which also makes
 * plan-choice findings and out-of-scope lines) and compiled in; the same generated lines, in alternation; medians. Not a test (speed is
 * measured, never asserted): `node --expose-gc --import tsx test/profiles/bench.ts` (BENCH_LINES=… for more lines).
 */
import { join } from 'node:path';
import { compileBundle } from '../../compiler/compile.ts';
import { loadBundle } from '../../compiler/examples.ts';
import { choiceCatalog, loadProfile } from '../../compiler/profile/profile.ts';
import { DHCS, mustLoad } from '../helpers.ts';
import { prng } from '../tools/prng.ts';

const N = Number(process.env.BENCH_LINES ?? 200_000);
type Module = { validate(lines: unknown[], options?: unknown): { findings: unknown[] }[] };


const loaded = mustLoad(DHCS);
const rs = loaded.versions[loaded.versions.length - 1]!;
const combos = rs.entries.map((e): [string, string[]] => [e.code, e.modifiers]);
const rand = prng(7);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const lines = Array.from({ length: N }, (_, i) => {
  const [code, mods] = rand() < 0.03 ? ['T1019', []] : pick(combos);
  return {
    claimId: `C${Math.floor(i / 4)}`, lineNumber: (i % 4) + 1, memberId: `M${Math.floor(rand() * (N / 20))}`,
    serviceDate: `2024-0${4 + Math.floor(rand() * 3)}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`,
    procedureCode: code, modifiers: rand() < 0.2 ? [...mods, 'GQ'] : mods, units: 1, minutes: rand() < 0.5 ? Math.floor(rand() * 40) : undefined,
  };
});

const profile = loadProfile(join(DHCS, 'profiles', 'mixed-programs-time-based.yaml'), choiceCatalog(rs.guidance.id, loaded.versions)).profile!;
const plain = (await loadBundle(compileBundle(loaded).js)) as unknown as Module;
const compiled = (await loadBundle(compileBundle(loaded, profile).js)) as unknown as Module;
// Every alternative selected: the profile's own cost, with no extra findings to make.
const everything = { choices: Object.fromEntries([...rs.choices.values()].map((c) => [c.id, c.alternatives.map((a) => a.name)])) };
const contenders: Record<string, () => unknown> = {
  'no profile': () => plain.validate(lines),
  'all selected': () => plain.validate(lines, { profile: everything }),
  'example profile': () => plain.validate(lines, { profile }),
  'example compiled in': () => compiled.validate(lines),
};
const gc = (globalThis as { gc?: () => void }).gc;
const times: Record<string, number[]> = {};
for (const [name, f] of Object.entries(contenders)) { f(); times[name] = []; }
for (let round = 0; round < 9; round++) {
  for (const [name, f] of Object.entries(contenders)) {
    gc?.(); // the previous contender's garbage is not this one's to collect
    const t0 = process.hrtime.bigint();
    f();
    times[name]!.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(times['no profile']!);
for (const [name, t] of Object.entries(times)) {
  const m = median(t);
  console.log(`${name.padEnd(22)}${m.toFixed(1).padStart(9)} ms  ${((N / m) * 1000).toFixed(0).padStart(10)} lines/s  ×${(m / base).toFixed(3)}`);
}
