/**
 * Fuzz the compiler's expressions: random well-typed expressions over the
 * conformance guidance (its fields, sets, dates, bandings and groups), each
 * for a random line and random other lines, through the reference
 * interpreter and through emitted JavaScript. They must give the same value
 * for every expression, and every generated expression must compile.
 * FUZZ_SEED repeats a run; a disagreement prints its reproducer, which
 * belongs in test/conformance/cases.yaml once understood.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Probe, ProbeOutcome } from '../../compiler/probe.ts';
import { expressionArb, lineArb, othersArb, scopeOf } from '../conformance/arbitraries.ts';
import { BACKENDS, CONFORMANCE_GUIDANCE, lineAt } from '../conformance/backends.ts';
import { mustLoad } from '../helpers.ts';
import { fuzzRuns, reportFuzz } from './budget.ts';

const EXPRESSIONS = fuzzRuns(10_000, 200_000);
const BATCH = 2_500;
const SEED = Number(process.env.FUZZ_SEED) || (process.env.FUZZ === '1' ? Date.now() % 1_000_000_007 : 20240331);

describe('random well-typed expressions', () => {
  it(`give the same value through every back end (${EXPRESSIONS} expressions, seed ${SEED})`, async () => {
    const rs = mustLoad(CONFORMANCE_GUIDANCE).versions[0]!;
    const scope = scopeOf(rs, true);
    const probeArb = fc.record({ expression: expressionArb(scope), line: lineArb(rs), others: othersArb(rs) })
      .map(({ expression, line, others }): Probe => ({ expression, line: lineAt(0, line), others: others.map((o, i) => lineAt(i + 1, o)) }));
    const [reference, ...rest] = BACKENDS;
    const disagreements: string[] = [];
    const uncompiled: string[] = [];
    const seen = { nullValues: 0, aggregates: 0, values: new Set<string>() };
    let crashes = 0;
    for (let done = 0; done < EXPRESSIONS; done += BATCH) {
      const probes = fc.sample(probeArb, { numRuns: Math.min(BATCH, EXPRESSIONS - done), seed: SEED + done });
      const want = await reference!.probe(rs, probes);
      const others = await Promise.all(rest.map((b) => b.probe(rs, probes)));
      probes.forEach((p, i) => {
        const w = want[i]!;
        if ('error' in w) {
          if (w.error === 'probe-crash') crashes++;
          uncompiled.push(`${w.error}: ${w.message} in ${p.expression}`);
          return;
        }
        seen.values.add(typeof w.value);
        if (w.value === null) seen.nullValues++;
        if (/\b(any|count|sum)\(/.test(p.expression)) seen.aggregates++;
        rest.forEach((b, k) => {
          const got: ProbeOutcome = others[k]![i]!;
          if ('error' in got && got.error === 'probe-crash') crashes++;
          if (!isDeepStrictEqual(got, w)) disagreements.push(reproducer(b.name, p, w, got));
        });
      });
    }
    reportFuzz('expressions', { inputs: EXPRESSIONS, crashes, lost: 0 });
    expect(uncompiled.slice(0, 5), `${uncompiled.length} generated expressions did not compile`).toEqual([]);
    expect(disagreements.slice(0, 3), `${disagreements.length} disagreements`).toEqual([]);
    // The generator must reach null results, aggregates and every kind of value, or agreement would prove little.
    expect(seen.nullValues).toBeGreaterThan(EXPRESSIONS / 50);
    expect(seen.aggregates).toBeGreaterThan(EXPRESSIONS / 50);
    expect([...seen.values].sort()).toEqual(['boolean', 'number', 'object', 'string']);
  });
});

function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  try {
    expect(a).toStrictEqual(b);
    return true;
  } catch {
    return false;
  }
}

function reproducer(backend: string, p: Probe, want: ProbeOutcome, got: ProbeOutcome): string {
  const partial = (l: unknown) => Object.fromEntries(Object.entries(l as Record<string, unknown>).filter(([k]) => !['claimId', 'lineNumber'].includes(k)));
  return `${backend}: ${JSON.stringify({ expression: p.expression, line: partial(p.line), others: (p.others ?? []).map(partial) })} → interpreter ${shown(want)}, ${backend} ${shown(got)}`;
}

/** JSON, but NaN, infinities and undefined stay visible. */
function shown(o: ProbeOutcome): string {
  return JSON.stringify(o, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v === undefined ? 'undefined' : v));
}
