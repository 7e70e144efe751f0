/**
 * Plan profiles, through every way a profile reaches a judgement: compiled into a bundle, given to a bundle as
 * `options.profile` (validate, validateLine, createValidator), and to the reference interpreter. Each case
 * must come out the same through all of them.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileBundle, type LoadResult } from '../../compiler/compile.ts';
import { loadBundle } from '../../compiler/examples.ts';
import { interpret, type LineResult } from '../../compiler/interpret.ts';
import { choiceCatalog, loadProfile, type ProfileObject } from '../../compiler/profile/profile.ts';
import { bundleOf, DHCS, line, MINI, mustLoad, type BundleModule } from '../helpers.ts';

const loaded = mustLoad(DHCS);
const profileFile = (name: string): ProfileObject => {
  const r = loadProfile(join(DHCS, 'profiles', `${name}.yaml`), choiceCatalog('dhcs-ecm-cs', loaded.versions));
  if (!r.profile) throw new Error(`${name}: ${JSON.stringify(r.diagnostics)}`);
  return r.profile;
};

const compiledCache = new Map<string, Promise<BundleModule>>();
/** A bundle with the profile compiled in (cached per rule folder and profile). */
function compiledWith(rules: LoadResult, profile: ProfileObject): Promise<BundleModule> {
  const key = `${rules.sourceHash}\0${JSON.stringify(profile)}`;
  let p = compiledCache.get(key);
  if (!p) {
    p = loadBundle(compileBundle(rules, profile).js) as unknown as Promise<BundleModule>;
    compiledCache.set(key, p);
  }
  return p;
}

/** Judge lines under a profile every way there is; they must agree, and the interpreter's results are returned. */
async function judgeEveryWay(dir: string, rules: LoadResult, lines: Record<string, unknown>[], profile: ProfileObject): Promise<LineResult[]> {
  const expected = interpret(rules.versions, lines, { profile });
  const plain = await bundleOf(dir);
  expect(plain.validate(lines, { profile })).toEqual(expected);
  const oneByOne = plain.createValidator({ profile });
  for (const l of lines) oneByOne.add(l);
  expect(oneByOne.finish()).toEqual(expected);
  const compiled = await compiledWith(rules, profile);
  expect(compiled.validate(lines)).toEqual(expected);
  // validateLine judges line rules only: compare lines that no cross-line rule can touch (one line alone).
  for (const l of lines) {
    const alone = interpret(rules.versions, [l], { profile })[0]!;
    expect(plain.validateLine(l, { profile })).toEqual(alone);
    expect(compiled.validateLine(l)).toEqual(alone);
  }
  return expected;
}

const perDiemHousing: ProfileObject = { name: 'per-diem-housing', guidance: 'dhcs-ecm-cs', choices: { 'short-term-housing-basis': 'per-diem' } };

describe('a profile selecting per-diem short-term housing', () => {
  it('makes H0044 U3 a plan-choice error and leaves H0043 U3 accepted (in person and by telehealth)', async () => {
    const lines = [
      line({ procedureCode: 'H0043', modifiers: ['U3'], lineNumber: 1 }),
      line({ procedureCode: 'H0044', modifiers: ['U3'], lineNumber: 2, memberId: 'M2' }),
      line({ procedureCode: 'H0044', modifiers: ['GQ', 'U3'], lineNumber: 3, memberId: 'M3', placeOfService: '10' }),
    ];
    const [perDiem, perMonth, perMonthGq] = await judgeEveryWay(DHCS, loaded, lines, perDiemHousing);
    expect(perDiem).toMatchObject({ status: 'accepted', service: 'Short-Term Post-Hospitalization Housing', findings: [] });
    for (const r of [perMonth!, perMonthGq!]) {
      expect(r.status).toBe('rejected');
      expect(r.service).toBe('Short-Term Post-Hospitalization Housing');
      expect(r.findings.map((f) => [f.rule, f.category, f.severity])).toEqual([['short-term-housing-basis', 'plan-choice', 'error']]);
      expect(r.findings[0]!.message).toContain('H0044 U3 (per month)');
      expect(r.findings[0]!.message).toContain('"per-diem-housing" selects per diem (H0043 U3)');
      expect(r.findings[0]!.cite).toContain('footnote 10');
    }
  });

  it('selecting per month instead turns it round; allowing both (a list) accepts both', async () => {
    const lines = [line({ procedureCode: 'H0043', modifiers: ['U3'] }), line({ procedureCode: 'H0044', modifiers: ['U3'], lineNumber: 2, memberId: 'M2' })];
    const perMonth = await judgeEveryWay(DHCS, loaded, lines, { choices: { 'short-term-housing-basis': 'per-month' } });
    expect(perMonth.map((r) => [r.status, r.findings.map((f) => f.category)])).toEqual([['rejected', ['plan-choice']], ['accepted', []]]);
    expect(perMonth[0]!.findings[0]!.message).toMatch(/the plan profile selects per month \(H0044 U3\)$/);
    const both = await judgeEveryWay(DHCS, loaded, lines, { choices: { 'short-term-housing-basis': ['per-diem', 'per-month'] } });
    expect(both.map((r) => r.status)).toEqual(['accepted', 'accepted']);
  });

  it('without a profile every alternative is allowed (the DHCS choices default to all)', async () => {
    const lines = [line({ procedureCode: 'H0043', modifiers: ['U3'] }), line({ procedureCode: 'H0044', modifiers: ['U3'], lineNumber: 2, memberId: 'M2' })];
    const plain = await bundleOf(DHCS);
    expect(plain.validate(lines).map((r) => r.status)).toEqual(['accepted', 'accepted']);
    expect(interpret(loaded.versions, lines).map((r) => r.status)).toEqual(['accepted', 'accepted']);
  });

  it('a plan-choice line still takes part in cross-line rules: T2040 U6 and T2050 U6 on one day', async () => {
    const lines = [line({ procedureCode: 'T2040', modifiers: ['U6'], minutes: 30, units: 2 }), line({ procedureCode: 'T2050', modifiers: ['U6'], lineNumber: 2 })];
    const r = await judgeEveryWay(DHCS, loaded, lines, { choices: { 'financial-management-increment': 'per-diem' } });
    expect(r.map((x) => x.findings.map((f) => f.category))).toEqual([['plan-choice', 'exclusive-same-day'], ['exclusive-same-day']]);
  });
});

describe('a guidance code with none of the guidance modifiers (T1019 alone)', () => {
  const t1019 = [
    line({ procedureCode: 'T1019' }),
    line({ procedureCode: 'T1019', modifiers: ['HE'], lineNumber: 2 }),
    line({ procedureCode: 'T1019', modifiers: ['GQ'], lineNumber: 3 }),
    line({ procedureCode: 'T1019', modifiers: ['U3'], lineNumber: 4 }),
    line({ procedureCode: 'T1019', modifiers: ['U6'], lineNumber: 5, minutes: 15 }),
  ];

  it('is an undefined combination by default and under a profile saying so (files of ECM and CS only)', async () => {
    for (const profile of [{}, { codesWithoutGuidanceModifiers: 'undefined-combination' as const }]) {
      const r = await judgeEveryWay(DHCS, loaded, t1019, profile);
      expect(r.map((x) => [x.status, x.findings.map((f) => f.category)])).toEqual([
        ['rejected', ['undefined-combination']], ['rejected', ['undefined-combination']], ['rejected', ['undefined-combination']],
        ['rejected', ['undefined-combination']], ['accepted', []],
      ]);
    }
    expect((await bundleOf(DHCS)).validate(t1019).map((x) => x.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'accepted']);
  });

  it('is out of scope under a profile for files mixing programs; a wrong guidance modifier stays an error', async () => {
    const r = await judgeEveryWay(DHCS, loaded, t1019, { codesWithoutGuidanceModifiers: 'out-of-scope' });
    const version = loaded.versions[loaded.versions.length - 1]!.guidance.version;
    expect(r.map((x) => [x.status, x.findings.length, x.program, x.guidanceVersion])).toEqual([
      ['out-of-scope', 0, null, version], ['out-of-scope', 0, null, version], ['out-of-scope', 0, null, version],
      ['rejected', 1, null, version], ['accepted', 0, 'Community Supports', version],
    ]);
    expect(r[3]!.findings[0]!.category).toBe('undefined-combination');
    // G9007 is defined with no modifiers: alone it is still the ECM team conference.
    const [g9007] = await judgeEveryWay(DHCS, loaded, [line({ procedureCode: 'G9007' })], { codesWithoutGuidanceModifiers: 'out-of-scope' });
    expect(g9007!.status).toBe('accepted');
  });
});

describe('the example profiles', () => {
  const sample = readFileSync(join(DHCS, 'sample', 'encounters.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '')
    .map((l) => { try { return JSON.parse(l) as Record<string, unknown>; } catch { return l as unknown as Record<string, unknown>; } });

  for (const name of ['per-diem-housing', 'mixed-programs-time-based']) {
    it(`${name}: the sample comes out the same every way, with plan-choice findings only for unselected alternatives`, async () => {
      const profile = profileFile(name);
      const plain = await bundleOf(DHCS);
      const expected = interpret(loaded.versions, sample, { profile });
      expect(plain.validate(sample, { profile })).toEqual(expected);
      expect((await compiledWith(loaded, profile)).validate(sample)).toEqual(expected);
      const without = plain.validate(sample);
      const choices = [...loaded.versions[loaded.versions.length - 1]!.choices.values()];
      let refused = 0;
      expected.forEach((r, i) => {
        const extra = r.findings.filter((f) => f.category === 'plan-choice');
        refused += extra.length;
        const rec = sample[i]!;
        const combination = typeof rec === 'object' && rec !== null && typeof rec.procedureCode === 'string'
          ? [rec.procedureCode.toUpperCase(), ...((Array.isArray(rec.modifiers) ? rec.modifiers : []) as string[]).map((m) => m.toUpperCase()).filter((m) => m !== 'GQ').sort()].join(':')
          : '';
        for (const f of extra) {
          const choice = choices.find((c) => c.id === f.rule)!;
          const selected = ([] as string[]).concat(profile.choices![choice.id]!);
          const alt = choice.alternatives.find((a) => a.combinations.includes(combination))!;
          expect(selected).not.toContain(alt.name);
        }
        // Apart from plan choices and out-of-scope codes, the profile changes nothing.
        if (r.status !== 'out-of-scope') expect(r.findings.filter((f) => f.category !== 'plan-choice')).toEqual(without[i]!.findings);
      });
      expect(refused).toBeGreaterThan(0);
    });
  }
});

describe('options.profile that does not fit the bundle', () => {
  it('throws a RangeError naming the mistake, for every entry point', async () => {
    const plain = await bundleOf(DHCS);
    const bad: [unknown, RegExp][] = [
      [{ choices: { 'short-term-housing': 'per-diem' } }, /no choice "short-term-housing".*short-term-housing-basis/],
      [{ choices: { 'short-term-housing-basis': 'daily' } }, /no alternative "daily" \(alternatives: per-diem, per-month\)/],
      [{ choices: { 'short-term-housing-basis': [] } }, /must be an alternative or a list/],
      [{ guidance: 'other-guidance' }, /written for the guidance "other-guidance"/],
      [{ codesWithoutGuidanceModifiers: 'sometimes' }, /codesWithoutGuidanceModifiers must be/],
      [{ choice: {} }, /unknown key "choice"/],
      ['per-diem-housing', /must be a plan profile object/],
    ];
    for (const [profile, message] of bad) {
      expect(() => plain.validate([line({ procedureCode: 'G9008', modifiers: ['U1'] })], { profile })).toThrow(message);
      expect(() => plain.validateLine(line({ procedureCode: 'G9008', modifiers: ['U1'] }), { profile })).toThrow(RangeError);
      expect(() => plain.createValidator({ profile })).toThrow(RangeError);
    }
  });

  it('a bundle compiled with a profile refuses another one, and says so', async () => {
    const compiled = await compiledWith(loaded, perDiemHousing);
    expect(compiled.meta).toMatchObject({ profile: 'per-diem-housing' });
    expect(() => compiled.validate([], { profile: perDiemHousing })).toThrow(/compiled with the plan profile "per-diem-housing"/);
    expect((await bundleOf(DHCS)).meta).toMatchObject({ profile: null });
  });

  it('meta lists the choices a profile may select among', async () => {
    const meta = (await bundleOf(DHCS)).meta as unknown as { choices: { id: string; alternatives: { name: string }[] }[] };
    expect(meta.choices.map((c) => c.id)).toEqual([...loaded.versions[loaded.versions.length - 1]!.choices.keys()]);
    expect(Object.isFrozen(meta.choices[0])).toBe(true);
  });
});

describe('a choice whose default is one alternative (a copy of the mini rule set)', () => {
  const work = mkdtempSync(join(tmpdir(), 'codeguide-profiles-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const dir = join(work, 'mini-guidance');
  cpSync(MINI, dir, { recursive: true });
  const choicesFile = join(dir, '1.0', 'choices.yaml');
  writeFileSync(choicesFile, readFileSync(choicesFile, 'utf8').replace('default: all', 'default: per-diem'));
  const rules = mustLoad(dir);

  it('applies the default when no profile names the choice, and the profile when one does', async () => {
    const lines = [line({ procedureCode: 'T2040', modifiers: ['U6'], minutes: 8 }), line({ procedureCode: 'T2050', modifiers: ['U6'], memberId: 'M2', lineNumber: 2 })];
    const bundle = await loadBundle(compileBundle(rules).js) as unknown as BundleModule;
    const byDefault = bundle.validate(lines);
    expect(byDefault).toEqual(interpret(rules.versions, lines));
    expect(byDefault.map((r) => r.findings.map((f) => f.message))).toEqual([
      ['T2040 U6 (per 15 minutes) is not the plan\'s choice for tenancy: when a plan profile says nothing, the rule files allow per diem (T2050 U6)'], [],
    ]);
    const profile = { name: 'quarter-hours', choices: { 'tenancy-increment': 'per-15-minutes' } };
    const chosen = bundle.validate(lines, { profile });
    expect(chosen).toEqual(interpret(rules.versions, lines, { profile }));
    expect(chosen.map((r) => r.status)).toEqual(['accepted', 'rejected']);
    expect(chosen[1]!.findings[0]!.message).toContain('the plan profile "quarter-hours" selects per 15 minutes (T2040 U6)');
  });
});
