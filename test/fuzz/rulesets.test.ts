/**
 * Fuzz the compiler with whole rule sets: a random small catalogue, banding,
 * unit bases and rules with random well-typed conditions and message
 * templates, written to a folder, compiled, and the bundle's validate()
 * cross-checked with the reference interpreter on random inputs. Every
 * generated rule set must compile; both must judge every line alike.
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { compileBundle, loadRules } from '../../compiler/compile.ts';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { loadBundle } from '../../compiler/examples.ts';
import { interpret, type LineResult } from '../../compiler/interpret.ts';
import { DERIVED_FIELDS, RECORD_FIELDS } from '../../compiler/fields.ts';
import { conditionArb, lineArb, numberArb, othersArb, scopeOf, type ScopeSource } from '../conformance/arbitraries.ts';
import { lineAt } from '../conformance/backends.ts';
import { fuzzRuns, reportFuzz } from './budget.ts';

const RULE_SETS = fuzzRuns(500, 10_000);
const SEED = Number(process.env.FUZZ_SEED) || (process.env.FUZZ === '1' ? Date.now() % 1_000_000_007 : 20240101);
const CODES = ['T2040', 'T2050', 'G9008', 'G9012', 'H0044', 'S5165'];
const MODIFIERS = ['U1', 'U2', 'U6', 'U8'];
const UNITS = ['per15Minutes', 'perDiem', 'perService'];
const TEMPLATE_FIELDS = [...RECORD_FIELDS.map((f) => f.name), ...DERIVED_FIELDS.map((f) => f.name), 'combination', 'program', 'service', 'delivery', 'staff', 'unit', 'outreach', 'amountRequired', 'description'];

interface EntrySpec {
  code: string; modifiers: string[]; service: string; program: string; staff: string | null; outreach: boolean;
  amountRequired: boolean; unit: string; effective: string | null; retired: string | null; delivery: boolean;
}

const key = (e: Pick<EntrySpec, 'code' | 'modifiers'>) => [e.code, ...[...e.modifiers].sort()].join(':');

const entryArb: fc.Arbitrary<EntrySpec> = fc.record({
  code: fc.constantFrom(...CODES),
  modifiers: fc.subarray(MODIFIERS, { maxLength: 2 }),
  service: fc.constantFrom('Alpha', 'Beta', 'Gamma'),
  program: fc.constantFrom('ECM', 'Community Supports'),
  staff: fc.constantFrom(null, 'clinical', 'non-clinical'),
  outreach: fc.boolean(),
  amountRequired: fc.boolean(),
  unit: fc.constantFrom(...UNITS),
  effective: fc.constantFrom(null, 'start', 'later'),
  retired: fc.constantFrom(null, null, 'sunset'),
  delivery: fc.boolean(),
});

/** Contiguous bands from 0 minutes, units rising, optionally continued every n minutes. */
const bandingArb = fc.record({
  widths: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 4 }),
  every: fc.option(fc.integer({ min: 1, max: 20 }), { nil: null }),
}).map(({ widths, every }) => {
  let from = 0;
  const bands = widths.map((w, units) => {
    const band = { from, to: from + w - 1, units };
    from += w;
    return band;
  });
  return { cite: 'Fuzz, Figure 1', bands, ...(every === null ? {} : { continue: { every } }) };
});

/** The parts of a rule set expressions can name, before it is written. */
function scopeSource(entries: EntrySpec[]): ScopeSource {
  const named = <T>(names: string[], value: (n: string) => T) => new Map(names.map((n) => [n, value(n)]));
  return {
    entries: entries.map((e) => ({ program: e.program, service: e.service, attributes: new Map([['staff', e.staff]]), combination: key(e) })),
    attributes: new Map([
      ['staff', { name: 'staff', type: 'string', values: ['clinical', 'non-clinical'], result: true }],
      ['outreach', { name: 'outreach', type: 'bool', values: null, result: true }],
      ['amountRequired', { name: 'amountRequired', type: 'bool', values: null, result: false }],
    ]),
    delivery: { default: 'in-person', modifiers: new Map([['GQ', 'telehealth']]) },
    unitBases: named(UNITS, () => ({})),
    sets: named(['credentials', 'amounts'], (name) => ({ name, itemType: name === 'amounts' ? 'number' : 'string' })),
    dates: named(['start', 'later', 'sunset'], () => ({})),
    bandings: named(['minutesToUnits'], () => ({})),
    groups: named(['memberDay', 'member'], () => ({})),
  } as unknown as ScopeSource;
}

const ruleSetArb = fc.uniqueArray(entryArb, { minLength: 1, maxLength: 6, selector: key }).chain((entries) => {
  const scope = scopeOf(scopeSource(entries));
  const ruleArb = fc.record({
    when: conditionArb(scope, 3, true),
    category: fc.constantFrom('fuzz-error', 'fuzz-warning'),
    message: fc.array(fc.constantFrom(...TEMPLATE_FIELDS), { maxLength: 3 }).map((fs) => fs.map((f) => `{${f}}`).join(' / ') || 'found'),
  });
  return fc.record({
    entries: fc.constant(entries),
    later: fc.constantFrom('2023-06-01', '2024-01-01', '2024-04-01'),
    banding: bandingArb,
    billableUnits: fc.option(numberArb(scope, 2, false), { nil: null }),
    credentials: fc.subarray(['RN', 'LCSW', 'CHW', 'MA', 'DOULA'], { minLength: 1 }),
    dayKey: fc.constantFrom(['memberId'], ['memberId', 'planId'], ['planId', 'memberId', 'placeOfService']),
    memberKey: fc.constantFrom(['memberId'], ['memberId', 'planId'], ['staffCredential']),
    rules: fc.array(ruleArb, { minLength: 1, maxLength: 4 }),
  });
});

type RuleSetSpec = typeof ruleSetArb extends fc.Arbitrary<infer T> ? T : never;

/** The rule files of a spec, by file name. */
function ruleFiles(spec: RuleSetSpec): Record<string, unknown> {
  const cite = 'Fuzz 1.0';
  return {
    'guidance.yaml': {
      guidance: { id: 'fuzz-guidance', title: 'Fuzzed guidance', version: '1.0', published: '2022-01-01', appliesFrom: '2022-01-01', cite },
      dates: { start: { date: '2022-01-01', cite }, later: { date: spec.later, cite }, sunset: { date: '2024-06-01', cite } },
      modifiers: Object.fromEntries([...MODIFIERS, 'GQ'].map((m) => [m, { meaning: `modifier ${m}`, cite }])),
      delivery: { default: 'in-person', modifiers: { GQ: 'telehealth' }, cite },
      sets: { credentials: { items: spec.credentials, cite }, amounts: { items: [0, 5, 100], cite } },
      bandings: { minutesToUnits: spec.banding },
      unitBases: {
        per15Minutes: { label: 'per 15 minutes', billableUnits: 'if minutes == null then units else minutesToUnits(minutes)', cite },
        perDiem: { label: 'per diem', ...(spec.billableUnits === null ? {} : { billableUnits: spec.billableUnits }), cite },
        perService: { label: 'per service', cite },
      },
      groups: { memberDay: { key: spec.dayKey, per: 'day' }, member: { key: spec.memberKey } },
      attributes: {
        staff: { values: ['clinical', 'non-clinical'], result: true },
        outreach: { type: 'boolean', result: true },
        amountRequired: { type: 'boolean' },
      },
      categories: {
        'invalid-record': { severity: 'error' }, 'undefined-combination': { severity: 'error' }, 'not-effective': { severity: 'error' },
        'fuzz-error': { severity: 'error' }, 'fuzz-warning': { severity: 'warning' },
      },
    },
    'catalogue.yaml': {
      catalogue: ['Alpha', 'Beta', 'Gamma'].flatMap((service) => {
        const mine = spec.entries.filter((e) => e.service === service);
        if (mine.length === 0) return [];
        return [{
          service, program: mine[0]!.program, cite,
          entries: mine.map((e) => ({
            code: e.code, modifiers: e.modifiers, unit: e.unit, description: `${key(e)} service`, cite,
            ...(e.staff === null ? {} : { staff: e.staff }), outreach: e.outreach, amountRequired: e.amountRequired,
            ...(e.effective === null ? {} : { effective: e.effective }), ...(e.retired === null ? {} : { retired: e.retired }),
            ...(e.delivery ? {} : { delivery: false }),
          })),
        }];
      }),
    },
    'rules.yaml': {
      rules: [
        { id: 'invalid-record', check: 'record', category: 'invalid-record', cite },
        { id: 'undefined-combination', check: 'combination', category: 'undefined-combination', message: '{procedureCode} {modifiers}', cite },
        { id: 'not-effective', check: 'effective', category: 'not-effective', message: '{combination} on {serviceDate}', cite },
        ...spec.rules.map((r, i) => {
          const group = /\b(?:any|count)\((\w+)/.exec(r.when)?.[1];
          return { id: `rule-${i + 1}`, category: r.category, ...(group ? { over: group } : {}), when: r.when, message: r.message, cite };
        }),
      ],
    },
  };
}

const root = mkdtempSync(join(tmpdir(), 'codeguide-fuzz-rulesets-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('random rule sets', () => {
  it(`compile, and the bundle judges random inputs as the interpreter does (${RULE_SETS} rule sets, seed ${SEED})`, async () => {
    let n = 0;
    let crashes = 0;
    let linesJudged = 0;
    const statuses = new Set<string>();
    const fired = new Set<string>();
    await fc.assert(
      fc.asyncProperty(ruleSetArb, fc.integer(), async (spec, inputSeed) => {
        const dir = join(root, `set-${n++}`, 'fuzz-guidance', '1.0');
        mkdirSync(dir, { recursive: true });
        const files = ruleFiles(spec);
        for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), stringify(data));
        const shown = () => Object.values(files).map((d) => stringify(d)).join('---\n');
        const loaded = loadRules(join(dir, '..'));
        const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
        expect(errors.map(formatDiagnostic), `this rule set should compile:\n${shown()}`).toEqual([]);
        const bundle = (await loadBundle(compileBundle(loaded).js)) as unknown as { validate(lines: unknown[]): LineResult[] };
        const rs = loaded.versions[0]!;
        const inputs = fc.sample(fc.tuple(lineArb(rs), othersArb(rs, 10)), { numRuns: 3, seed: inputSeed });
        for (const [first, rest] of inputs) {
          const base = [first, ...rest];
          const lines = base.map((l, i) => lineAt(i, l));
          let got: LineResult[];
          try {
            got = bundle.validate(lines);
          } catch (err) {
            crashes++;
            throw err;
          }
          expect(got, `rule set:\n${shown()}\nlines: ${JSON.stringify(lines)}`).toEqual(interpret(loaded.versions, lines));
          linesJudged += lines.length;
          for (const r of got) {
            statuses.add(r.status);
            for (const f of r.findings) if (f.rule.startsWith('rule-')) fired.add(f.rule === 'rule-1' && /any|count/.test(spec.rules[0]!.when) ? 'cross' : 'line');
          }
        }
        rmSync(join(dir, '..', '..'), { recursive: true, force: true });
      }),
      { numRuns: RULE_SETS, seed: SEED, endOnFailure: true },
    );
    reportFuzz('rulesets', { inputs: RULE_SETS, crashes, lost: 0 });
    expect(linesJudged).toBeGreaterThan(RULE_SETS * 3);
    // The inputs must reach every status, and generated rules (line and cross-line) must fire, or agreement would prove little.
    expect([...statuses].sort()).toEqual(['accepted', 'invalid', 'out-of-scope', 'rejected']);
    expect([...fired].sort()).toEqual(['cross', 'line']);
  });
});
