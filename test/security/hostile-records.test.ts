/**
 * Hostile input records — throwing getters, throwing and revoked Proxies,
 * values whose conversions throw, 100,000-deep nesting, huge lists and text,
 * odd numbers — through validate, validateLine and createValidator of a compiled
 * bundle, in Node and in headless Chromium: one result per input, never an
 * exception, and a record that cannot be read is invalid naming the field.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileBundle } from '../../compiler/compile.ts';
import { RECORD_FIELDS } from '../../compiler/fields.ts';
import { interpret } from '../../compiler/interpret.ts';
import type { LineResult } from '../../runtime/bundle.d.ts';
import { bundleOf, DHCS, mustLoad } from '../helpers.ts';
import { openPage, type BrowserPage } from './browser.ts';
import { hostileRecords, runHostile, type HostileCase } from './hostile-cases.js';

const FIELDS = RECORD_FIELDS.map((f) => f.name);
const make = () => hostileRecords(FIELDS);
type Run = ReturnType<typeof runHostile>;

/** Every entry point returned one result per case, in order, and none threw. */
function expectOneResultEach(run: Run, cases: HostileCase[]): LineResult[] {
  for (const [entry, got] of Object.entries(run)) {
    expect(got.thrown, entry).toBeNull();
    const results = got.results as LineResult[];
    expect(results, entry).toHaveLength(cases.length);
    if (entry !== 'validateLine') expect(results.map((r) => r.index), entry).toEqual(cases.map((_, i) => i));
  }
  expect(run.streamed.results).toEqual(run.validate.results);
  return run.validate.results as LineResult[];
}

/** What each case must give: invalid naming its field, or valid where the hostility is in no field the format has. */
function expectVerdicts(results: LineResult[], lineResults: LineResult[], cases: HostileCase[]): void {
  cases.forEach((c, i) => {
    for (const r of [results[i]!, lineResults[i]!]) {
      if (c.valid) expect(r.status, c.name).toBe('accepted');
      if (c.field === null) continue;
      expect(r.status, c.name).toBe('invalid');
      const named = r.findings.filter((f) => f.category === 'invalid-record' && (c.field === 'record' ? f.message.startsWith('the line ') : f.message.startsWith(`${c.field} `)));
      expect(named, `${c.name}: ${JSON.stringify(r.findings.map((f) => f.message))}`).not.toHaveLength(0);
      for (const f of r.findings) expect(f.message.length, c.name).toBeLessThan(200);
    }
  });
}

describe('hostile records in Node', () => {
  it('one result per input, no exception, through every entry point', async () => {
    const cases = make();
    const run = runHostile(await bundleOf(DHCS), make);
    const results = expectOneResultEach(run, cases);
    expectVerdicts(results, run.validateLine.results as LineResult[], cases);
    // Every kind of case is there for every field, and the verdicts cover both outcomes.
    expect(cases.filter((c) => c.field === 'units').length).toBeGreaterThan(15);
    expect(new Set(results.map((r) => r.status))).toEqual(new Set(['invalid', 'accepted']));
  });

  it('the reference interpreter judges them the same way', async () => {
    const results = (await bundleOf(DHCS)).validate(make().map((c) => c.record));
    expect(interpret(mustLoad(DHCS).versions, make().map((c) => c.record))).toEqual(results);
  });

  it('results share nothing with the records: changing a record after add() changes no result', async () => {
    const bundle = await bundleOf(DHCS);
    const lines = [
      { claimId: 'C1', lineNumber: 1, memberId: 'M1', serviceDate: '2024-04-01', procedureCode: 'T2040', modifiers: ['U6'], units: 2, minutes: 30 },
      { claimId: 'C1', lineNumber: 2, memberId: 'M1', serviceDate: '2024-04-01', procedureCode: 'T2050', modifiers: ['U6'], units: 1 },
    ];
    const expected = bundle.validate(structuredClone(lines));
    const v = bundle.createValidator();
    for (const l of lines) v.add(l);
    for (const l of lines) {
      l.memberId = 'M2';
      l.modifiers.push('GQ');
      l.modifiers[0] = 'ZZ';
      l.units = -1;
    }
    const got = v.finish();
    expect(got).toEqual(expected);
    expect(got.flatMap((r) => r.findings.map((f) => f.category))).toContain('exclusive-same-day');
  });
});

describe('hostile records in headless Chromium', () => {
  let page: BrowserPage;
  beforeAll(async () => {
    page = await openPage();
  }, 120_000);
  afterAll(async () => {
    await page?.close();
  });

  it('one result per input, no exception, and the same results as in Node', async () => {
    const js = compileBundle(mustLoad(DHCS)).js;
    const cases = readFileSync(new URL('./hostile-cases.js', import.meta.url), 'utf8');
    const run = (await page.run(
      `async ({ js, cases, fields }) => {
        const load = (text) => import(URL.createObjectURL(new Blob([text], { type: 'text/javascript' })));
        const bundle = await load(js);
        const { hostileRecords, runHostile } = await load(cases);
        const out = runHostile(bundle, () => hostileRecords(fields));
        const count = (x) => (x.results === null ? 'threw' : String(x.results.length));
        document.body.innerHTML = '<h1>Hostile records in Chromium</h1><p></p>';
        document.querySelector('p').textContent = 'validate: ' + count(out.validate) + ' results; validateLine: ' + count(out.validateLine) + '; createValidator: ' + count(out.streamed);
        return JSON.parse(JSON.stringify(out));
      }`,
      { js, cases, fields: FIELDS },
    )) as Run;
    await page.screenshot('hostile-records');
    expect(page.errors).toEqual([]);
    const list = make();
    const results = expectOneResultEach(run, list);
    expectVerdicts(results, run.validateLine.results as LineResult[], list);
    const inNode = runHostile(await bundleOf(DHCS), make);
    expect(JSON.parse(JSON.stringify(inNode))).toEqual(run);
  }, 120_000);
});

describe('hostile arguments to classify and validate', () => {
  it('a revoked Proxy as modifiers classifies as nothing; a Proxy array with a throwing length validates as no lines', async () => {
    const mod = await bundleOf('test/fixtures/mini/mini-guidance');
    const { proxy, revoke } = Proxy.revocable(['U1'], {});
    revoke();
    expect(mod.classify('G9008', proxy as unknown as string[])).toBeNull();
    const throwingLength = new Proxy([], { get: (t, k) => { if (k === 'length') throw new Error('no'); return Reflect.get(t, k); } });
    expect(mod.validate(throwingLength)).toEqual([]);
  });
});

describe('shared state', () => {
  it('classify() and meta give frozen values: one caller cannot change what the next one sees', async () => {
    const mod = await bundleOf(DHCS);
    const entry = mod.classify('G9008', ['U1']) as { modifiers: string[]; service: string };
    expect(() => entry.modifiers.push('XX')).toThrow(TypeError);
    expect(() => { entry.service = 'changed'; }).toThrow(TypeError);
    expect(mod.classify('G9008', ['U1'])).toMatchObject({ modifiers: ['U1'], service: 'Enhanced Care Management' });
    expect(() => (mod.meta.versions as string[]).push('9.9')).toThrow(TypeError);
    expect(Object.isFrozen((mod.meta as unknown as { releases: object[] }).releases[0])).toBe(true);
  });
});
