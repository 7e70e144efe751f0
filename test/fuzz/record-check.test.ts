/**
 * Fuzzing the bundle's record check: any value in any field, and hostile
 * objects built at random (getters and Proxy traps that throw now and then,
 * deep and wide values). The generated check and the table-driven check of the
 * reference interpreter must agree exactly; the bundle must give one result per
 * record and never throw. `npm run fuzz` runs it long and prints the counts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordCheckFunction } from '../../compiler/emit/record.ts';
import { RECORD_FIELDS } from '../../compiler/fields.ts';
import { interpret } from '../../compiler/interpret.ts';
import { checkRecord as tableCheck } from '../../compiler/record-check.ts';
import type { RecordProblem } from '../../runtime/record.js';
import { bundleOf, DHCS, line, mustLoad } from '../helpers.ts';
import { fuzzRuns, reportFuzz } from './budget.ts';

const names = RECORD_FIELDS.map((f) => f.name);
const generatedCheck = recordCheckFunction();
const good = line({ procedureCode: 'G9008', modifiers: ['U1'] });

const odd = fc.oneof(
  fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true, withBoxedValues: true }),
  fc.constantFrom(NaN, -0, Infinity, -Infinity, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2, '', ' ', '\t', '00', '99', '2024-02-29', '2023-02-29', 'g9008', 'U6', ['u6', 'gq'], ['U6', 'U6'], [], [null], 0, 1, 1.5, -1, 99, 100),
);

/** How to build a value that is hostile to read: plain data, so that the fuzzer itself never touches the hostile value. */
const hostileRecipe = fc.record({
  kind: fc.constantFrom('proxy', 'revoked', 'poisoned', 'deep', 'wide'),
  throwOn: fc.integer({ min: 0, max: 3 }),
  depth: fc.integer({ min: 1, max: 12_000 }),
  inner: odd,
});
type Recipe = { kind: string; throwOn: number; depth: number; inner: unknown };

function build({ kind, throwOn, depth, inner }: Recipe): unknown {
  let reads = 0;
  const maybeThrow = () => {
    if (reads++ >= throwOn) throw new Error('hostile');
  };
  switch (kind) {
    case 'proxy': return new Proxy({ inner }, { get: (t, k) => { maybeThrow(); return Reflect.get(t, k); }, ownKeys: (t) => { maybeThrow(); return Reflect.ownKeys(t); }, getOwnPropertyDescriptor: (t, k) => { maybeThrow(); return Reflect.getOwnPropertyDescriptor(t, k); } });
    case 'revoked': { const p = Proxy.revocable([inner], {}); p.revoke(); return p.proxy; }
    case 'poisoned': return { toJSON: maybeThrow, toString: maybeThrow, valueOf: maybeThrow };
    case 'deep': { let v: unknown = inner; for (let i = 0; i < depth; i++) v = [v]; return v; }
    default: return new Array(depth * 10).fill(inner);
  }
}

/** A recipe for a record whose fields are good, odd or hostile values, some read through getters that throw after a few reads. */
const recordRecipes = fc.record({
  fields: fc.dictionary(fc.constantFrom(...names), fc.oneof(odd.map((value) => ({ value })), hostileRecipe.map((recipe) => ({ recipe }))), { maxKeys: 5 }),
  getters: fc.subarray(names, { maxLength: 3 }),
  throwOn: fc.integer({ min: 0, max: 2 }),
  fromGood: fc.boolean(),
});
type RecordRecipe = { fields: Record<string, { value: unknown } | { recipe: Recipe }>; getters: string[]; throwOn: number; fromGood: boolean };

/** The record, and the same record with no getters (the same answer at every read). */
function buildRecord({ fields, getters, throwOn, fromGood }: RecordRecipe): { hostile: Record<string, unknown>; steady: Record<string, unknown> } {
  const values = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, 'value' in v ? v.value : build(v.recipe)]));
  const hostile: Record<string, unknown> = fromGood ? { ...good, ...values } : { ...values };
  const steady = { ...hostile };
  for (const g of getters) {
    let reads = 0;
    const v = hostile[g];
    Object.defineProperty(hostile, g, { enumerable: true, get() { if (reads++ >= throwOn) throw new Error('getter'); return v; } });
    delete steady[g];
  }
  return { hostile, steady };
}

describe('fuzz: the record check', () => {
  it('the generated and the table-driven check agree on any value in any field', () => {
    const counts = { inputs: 0, crashes: 0, lost: 0 };
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names), odd, { maxKeys: 6 }), fc.boolean(), (fields, fromGood) => {
        counts.inputs++;
        const raw = fromGood ? { ...good, ...fields } : fields;
        const p1: RecordProblem[] = [];
        const p2: RecordProblem[] = [];
        let a, b;
        try {
          a = generatedCheck(raw, p1);
          b = tableCheck(raw, p2);
        } catch (e) {
          counts.crashes++;
          throw e;
        }
        expect({ line: a, problems: p1 }).toEqual({ line: b, problems: p2 });
        expect(a === null).toBe(p1.length > 0);
        expect(new Set(p1.map((p) => p.field)).size).toBe(p1.length);
      }),
      { numRuns: fuzzRuns(5_000, 100_000), seed: 20240331 },
    );
    reportFuzz('record-check', counts);
    expect(counts.crashes).toBe(0);
  });

  it('hostile records through the bundle: one result each, never an exception, the interpreter agreeing', async () => {
    const bundle = await bundleOf(DHCS);
    const versions = mustLoad(DHCS).versions;
    const counts = { inputs: 0, crashes: 0, lost: 0 };
    fc.assert(
      fc.property(fc.array(recordRecipes, { minLength: 1, maxLength: 6 }), (recipes) => {
        const built = recipes.map((r) => buildRecord(r as RecordRecipe));
        const batch = built.map((b) => b.hostile);
        counts.inputs += batch.length;
        let got;
        try {
          got = bundle.validate(batch);
        } catch (e) {
          counts.crashes++;
          throw e;
        }
        counts.lost += Math.max(0, batch.length - got.length);
        expect(got.map((r) => r.index)).toEqual(batch.map((_, i) => i));
        for (const r of got) if (r.status === 'invalid') expect(r.findings.every((f) => f.category === 'invalid-record')).toBe(true);
        // Getters that throw on a later read answer differently each time, and so do Proxies: the interpreter gets the batch without getters.
        const steady = built.map((b) => b.steady);
        expect(bundle.validate(steady).length).toBe(steady.length);
        const plain = recipes.every((r) => Object.values((r as RecordRecipe).fields).every((f) => 'value' in f));
        if (plain) expect(bundle.validate(steady)).toEqual(interpret(versions, steady));
      }),
      { numRuns: fuzzRuns(500, 30_000), seed: 9 },
    );
    reportFuzz('bundle-hostile-records', counts);
    expect(counts.crashes).toBe(0);
    expect(counts.lost).toBe(0);
  });
});
