/**
 * The DHCS ECM and Community Supports guidance v1.2, as the rule set must read it,
 * checked through the compiled bundle. These cases come from the guidance text
 * (tables, footnotes, Figure 1, Appendix A), independently of the examples in
 * the rule files. Every case also runs through the reference interpreter.
 */
import { describe, expect, it } from 'vitest';
import { interpret } from '../../compiler/interpret.ts';
import { bundleOf, DHCS, line, mustLoad } from '../helpers.ts';

const versions = mustLoad(DHCS).versions;

async function judge(lines: Record<string, unknown>[] | unknown[]) {
  const bundle = await bundleOf(DHCS);
  const results = bundle.validate(lines);
  expect(results).toEqual(interpret(versions, lines));
  return results;
}

async function one(over: Record<string, unknown>) {
  return (await judge([line(over)]))[0]!;
}

const categories = (r: { findings: { category: string }[] }) => r.findings.map((f) => f.category).sort();

// code, defining modifiers, program, service, staff, outreach, what a valid line needs
const CATALOGUE: [string, string[], string, string, string | null, boolean, Record<string, unknown>][] = [
  ['G9008', ['U1'], 'ECM', 'Enhanced Care Management', 'clinical', false, {}],
  ['G9008', ['U8'], 'ECM', 'Enhanced Care Management', 'clinical', true, {}],
  ['G9012', ['U2'], 'ECM', 'Enhanced Care Management', 'non-clinical', false, {}],
  ['G9012', ['U8'], 'ECM', 'Enhanced Care Management', 'non-clinical', true, {}],
  ['H0043', ['U6'], 'Community Supports', 'Housing Transition/Navigation Services', null, false, {}],
  ['H2016', ['U6'], 'Community Supports', 'Housing Transition/Navigation Services', null, false, {}],
  ['H0044', ['U2'], 'Community Supports', 'Housing Deposits', null, false, { amount: 1500 }],
  ['T2040', ['U6'], 'Community Supports', 'Housing Tenancy and Sustaining Services', null, false, { minutes: 15 }],
  ['T2050', ['U6'], 'Community Supports', 'Housing Tenancy and Sustaining Services', null, false, {}],
  ['T2041', ['U6'], 'Community Supports', 'Housing Tenancy and Sustaining Services', null, false, { minutes: 15 }],
  ['T2051', ['U6'], 'Community Supports', 'Housing Tenancy and Sustaining Services', null, false, {}],
  ['H0043', ['U3'], 'Community Supports', 'Short-Term Post-Hospitalization Housing', null, false, {}],
  ['H0044', ['U3'], 'Community Supports', 'Short-Term Post-Hospitalization Housing', null, false, {}],
  ['T2033', ['U6'], 'Community Supports', 'Recuperative Care (Medical Respite)', null, false, {}],
  ['H0045', ['U6'], 'Community Supports', 'Respite Services', null, false, {}],
  ['S5151', ['U6'], 'Community Supports', 'Respite Services', null, false, {}],
  ['S9125', ['U6'], 'Community Supports', 'Respite Services', null, false, {}],
  ['T2012', ['U6'], 'Community Supports', 'Day Habilitation Programs', null, false, {}],
  ['T2014', ['U6'], 'Community Supports', 'Day Habilitation Programs', null, false, {}],
  ['T2018', ['U6'], 'Community Supports', 'Day Habilitation Programs', null, false, {}],
  ['T2020', ['U6'], 'Community Supports', 'Day Habilitation Programs', null, false, {}],
  ['H2014', ['U6'], 'Community Supports', 'Day Habilitation Programs', null, false, { minutes: 15 }],
  ['H2038', ['U6'], 'Community Supports', 'Day Habilitation Programs', null, false, {}],
  ['H2024', ['U6'], 'Community Supports', 'Day Habilitation Programs', null, false, {}],
  ['H2026', ['U6'], 'Community Supports', 'Day Habilitation Programs', null, false, {}],
  ['T2038', ['U4'], 'Community Supports', 'Nursing Facility Transition/Diversion to Assisted Living Facilities', null, false, { amount: 900 }],
  ['H2022', ['U5'], 'Community Supports', 'Nursing Facility Transition/Diversion to Assisted Living Facilities', null, false, { amount: 120 }],
  ['T2038', ['U5'], 'Community Supports', 'Community Transition Services', null, false, { amount: 2000 }],
  ['S5130', ['U6'], 'Community Supports', 'Personal Care/Homemaker Services', null, false, { minutes: 15 }],
  ['T1019', ['U6'], 'Community Supports', 'Personal Care/Homemaker Services', null, false, { minutes: 15 }],
  ['S5165', ['U6'], 'Community Supports', 'Environmental Accessibility Adaptations', null, false, { amount: 4000 }],
  ['S5170', ['U6'], 'Community Supports', 'Medically Tailored Meals/Medically-Supportive Food', null, false, {}],
  ['S9470', ['U6'], 'Community Supports', 'Medically Tailored Meals/Medically-Supportive Food', null, false, {}],
  ['S9977', ['U6'], 'Community Supports', 'Medically Tailored Meals/Medically-Supportive Food', null, false, {}],
  ['H0014', ['U6'], 'Community Supports', 'Sobering Centers', null, false, {}],
  ['S5165', ['U5'], 'Community Supports', 'Asthma Remediation', null, false, {}],
];

describe('DHCS v1.2 catalogue: every row of every table', () => {
  it.each(CATALOGUE)('%s %j in person and by telehealth', async (code, mods, program, service, staff, outreach, extra) => {
    const inPerson = await one({ procedureCode: code, modifiers: mods, placeOfService: '11', ...extra });
    expect(inPerson).toMatchObject({ status: 'accepted', program, service, staff, outreach, delivery: 'in-person', guidanceVersion: '1.2', findings: [] });
    const tele = await one({ procedureCode: code, modifiers: ['GQ', ...mods], placeOfService: '02', ...extra });
    expect(tele).toMatchObject({ status: 'accepted', service, delivery: 'telehealth', findings: [] });
  });

  it('G9007, the multidisciplinary team conference, takes no modifiers, is clinical, and exists from January 2024', async () => {
    const r = await one({ procedureCode: 'G9007', serviceDate: '2024-01-01' });
    expect(r).toMatchObject({ status: 'accepted', program: 'ECM', staff: 'clinical', delivery: 'in-person', findings: [] });
    expect(r.service).not.toBe('Enhanced Care Management');
    expect(categories(await one({ procedureCode: 'G9007', serviceDate: '2023-12-31' }))).toEqual(['not-effective']);
    expect(categories(await one({ procedureCode: 'G9007', modifiers: ['GQ'] }))).toEqual(['undefined-combination']);
  });

  it('T1016 U8, housing outreach, is its own per-15-minute service from January 2024', async () => {
    const r = await one({ procedureCode: 'T1016', modifiers: ['U8'], minutes: 20, serviceDate: '2024-01-01' });
    expect(r).toMatchObject({ status: 'accepted', program: 'Community Supports', outreach: true, billableUnits: 1 });
    expect(r.service).not.toBe('Housing Transition/Navigation Services');
    const tele = await one({ procedureCode: 'T1016', modifiers: ['U8', 'GQ'], minutes: 20, placeOfService: '10' });
    expect(tele).toMatchObject({ status: 'accepted', delivery: 'telehealth' });
    expect(categories(await one({ procedureCode: 'T1016', modifiers: ['U8'], minutes: 20, serviceDate: '2023-12-31' }))).toEqual(['not-effective']);
  });

  it('codes and modifiers are case-insensitive and modifier order does not matter', async () => {
    expect(await one({ procedureCode: 'g9008', modifiers: ['gq', 'u1'], placeOfService: '02' })).toMatchObject({ status: 'accepted', delivery: 'telehealth' });
    expect(await one({ procedureCode: 'G9008', modifiers: ['U1', 'GQ'] })).toMatchObject({ status: 'accepted', delivery: 'telehealth' });
  });
});

describe('closed world: combinations the guidance does not define', () => {
  it.each([
    ['G9008 alone', 'G9008', []],
    ['H0043 alone', 'H0043', []],
    ['a wrong modifier', 'G9012', ['U1']],
    ['an extra modifier', 'G9008', ['U1', '25']],
    ['an extra modifier on CS', 'T2040', ['U6', 'HE']],
    ['a duplicated modifier', 'G9008', ['U1', 'U1']],
    ['GQ alone', 'G9008', ['GQ']],
    ['two defining modifiers', 'G9012', ['U2', 'U8']],
    ['U3 on a code that has only U6', 'H2016', ['U3']],
  ])('%s is an undefined combination', async (_name, code, mods) => {
    const r = await one({ procedureCode: code, modifiers: mods, minutes: 15 });
    expect(r).toMatchObject({ status: 'rejected', program: null, service: null, delivery: null, billableUnits: null });
    expect(categories(r)).toEqual(['undefined-combination']);
  });

  it.each([['99213', []], ['H0046', ['U6']], ['G9009', ['U1']]])('%s is out of scope with no findings', async (code, mods) => {
    expect(await one({ procedureCode: code, modifiers: mods })).toMatchObject({ status: 'out-of-scope', program: null, findings: [] });
  });
});

describe('dates in force', () => {
  it.each([
    ['G9008', ['U1'], '2021-12-31', '2022-01-01'],
    ['H0043', ['U6'], '2021-12-31', '2022-01-01'],
    ['T2050', ['U6'], '2021-12-31', '2022-01-01'],
    ['H0043', ['U3'], '2021-12-31', '2022-01-01'],
    ['H2038', ['U6'], '2021-12-31', '2022-01-01'],
    ['G9007', [], '2023-12-31', '2024-01-01'],
    ['T1016', ['U8'], '2023-12-31', '2024-01-01'],
  ])('%s %j: not effective on %s, in force on %s', async (code, mods, before, from) => {
    const b = await one({ procedureCode: code, modifiers: mods, serviceDate: before, minutes: 15 });
    expect(b.status).toBe('rejected');
    expect(categories(b)).toEqual(['not-effective']);
    expect((await one({ procedureCode: code, modifiers: mods, serviceDate: from, minutes: 15 })).status).toBe('accepted');
  });
});

describe('telehealth: places of service 02 and 10 need GQ', () => {
  it.each(['02', '10'])('POS %s without GQ is rejected; with GQ accepted', async (pos) => {
    expect(categories(await one({ procedureCode: 'G9008', modifiers: ['U1'], placeOfService: pos }))).toEqual(['telehealth-modifier']);
    expect(categories(await one({ procedureCode: 'T2033', modifiers: ['U6'], placeOfService: pos }))).toEqual(['telehealth-modifier']);
    expect((await one({ procedureCode: 'G9008', modifiers: ['U1', 'GQ'], placeOfService: pos })).status).toBe('accepted');
  });
  it('POS 11 needs no GQ; G9007 at a telehealth place is exempt', async () => {
    expect((await one({ procedureCode: 'G9008', modifiers: ['U1'], placeOfService: '11' })).status).toBe('accepted');
    expect((await one({ procedureCode: 'G9007', placeOfService: '02' })).status).toBe('accepted');
  });
});

describe('rule of eights (Figure 1)', () => {
  it.each([
    [0, 1, 'rejected', ['not-reportable'], 0],
    [7, 1, 'rejected', ['not-reportable'], 0],
    [8, 1, 'accepted', [], 1],
    [22, 1, 'accepted', [], 1],
    [23, 2, 'accepted', [], 2],
    [37, 2, 'accepted', [], 2],
    [38, 3, 'accepted', [], 3],
    [52, 3, 'accepted', [], 3],
    [53, 4, 'accepted', [], 4],
    [23, 1, 'rejected', ['units-mismatch'], 2],
    [38, 2, 'rejected', ['units-mismatch'], 3],
  ])('%i minutes reported as %i units: %s', async (minutes, units, status, cats, billable) => {
    for (const [code, mods] of [['T2040', ['U6']], ['T1016', ['U8']], ['H2014', ['U6']]] as const) {
      const r = await one({ procedureCode: code, modifiers: mods, minutes, units });
      expect(r.status).toBe(status);
      expect(categories(r)).toEqual(cats);
      expect(r.billableUnits).toBe(billable);
    }
  });
  it('units must be whole; without minutes the reported units are billable', async () => {
    expect(categories(await one({ procedureCode: 'T2041', modifiers: ['U6'], units: 1.5 }))).toEqual(['units-mismatch']);
    expect(await one({ procedureCode: 'S5130', modifiers: ['U6'], units: 3 })).toMatchObject({ status: 'accepted', billableUnits: 3 });
  });
  it('minutes do not matter for codes that are not per 15 minutes', async () => {
    expect(await one({ procedureCode: 'G9008', modifiers: ['U1'], minutes: 5, units: 1 })).toMatchObject({ status: 'accepted', billableUnits: 1 });
  });
});

describe('per diem units', () => {
  it('at most one unit a day of service', async () => {
    expect(categories(await one({ procedureCode: 'H0043', modifiers: ['U6'], units: 2 }))).toEqual(['units-mismatch']);
    expect((await one({ procedureCode: 'H0043', modifiers: ['U6'], units: 2, serviceDateEnd: '2024-04-02' })).status).toBe('accepted');
    expect(categories(await one({ procedureCode: 'T2033', modifiers: ['U6'], units: 4, serviceDateEnd: '2024-04-03' }))).toEqual(['units-mismatch']);
    expect(categories(await one({ procedureCode: 'S9977', modifiers: ['U6'], units: 0.5 }))).toEqual(['units-mismatch']);
  });
});

describe('amounts', () => {
  it.each([['H0044', ['U2']], ['T2038', ['U4']], ['H2022', ['U5']], ['T2038', ['U5']], ['S5165', ['U6']]])('%s %j needs an amount > 0', async (code, mods) => {
    expect(categories(await one({ procedureCode: code, modifiers: mods }))).toEqual(['amount-required']);
    expect(categories(await one({ procedureCode: code, modifiers: mods, amount: 0 }))).toEqual(['amount-required']);
    expect((await one({ procedureCode: code, modifiers: mods, amount: 0.01 })).status).toBe('accepted');
  });
  it('other services do not need one', async () => {
    expect((await one({ procedureCode: 'S5165', modifiers: ['U5'] })).status).toBe('accepted');
    expect((await one({ procedureCode: 'H0044', modifiers: ['U3'] })).status).toBe('accepted');
  });
});

describe('staff (footnotes 4 and 6)', () => {
  it.each(['MA', 'CHW', 'Doula', 'promotora'])('G9008 with non-clinical %s is a mismatch', async (cred) => {
    expect(categories(await one({ procedureCode: 'G9008', modifiers: ['U1'], staffCredential: cred }))).toEqual(['staff-mismatch']);
  });
  it.each(['LPN', 'LVN', 'LCSW', 'RN', 'PA', 'NP', 'CNS', 'LMFT', 'rn'])('G9012 with clinical %s is a mismatch', async (cred) => {
    expect(categories(await one({ procedureCode: 'G9012', modifiers: ['U8'], staffCredential: cred }))).toEqual(['staff-mismatch']);
  });
  it('matching and unknown credentials are not judged', async () => {
    expect((await one({ procedureCode: 'G9008', modifiers: ['U1'], staffCredential: 'RN' })).status).toBe('accepted');
    expect((await one({ procedureCode: 'G9012', modifiers: ['U2'], staffCredential: 'CHW' })).status).toBe('accepted');
    expect((await one({ procedureCode: 'G9012', modifiers: ['U2'], staffCredential: 'Peer Specialist' })).status).toBe('accepted');
  });
});

describe('alternatives not billed for one member on one day (footnotes 8, 9, 11)', () => {
  it.each([
    ['T2040', 'T2050'],
    ['T2041', 'T2051'],
    ['H2014', 'H2038'],
  ])('%s U6 and %s U6', async (per15, perDiem) => {
    const a = line({ lineNumber: 1, procedureCode: per15, modifiers: ['U6'], minutes: 30, units: 2 });
    const b = line({ lineNumber: 2, procedureCode: perDiem, modifiers: ['U6'] });
    expect((await judge([a, b])).map(categories)).toEqual([['exclusive-same-day'], ['exclusive-same-day']]);
    expect((await judge([a, { ...b, serviceDate: '2024-04-02' }])).map((r) => r.status)).toEqual(['accepted', 'accepted']);
    expect((await judge([a, { ...b, memberId: 'M2' }])).map((r) => r.status)).toEqual(['accepted', 'accepted']);
  });

  it('a date range counts on every day it covers; GQ lines count; other errors do not hide the conflict', async () => {
    const range = line({ lineNumber: 1, procedureCode: 'T2050', modifiers: ['U6'], serviceDate: '2024-04-01', serviceDateEnd: '2024-04-03', units: 3 });
    const inside = line({ lineNumber: 2, procedureCode: 'T2040', modifiers: ['U6', 'GQ'], serviceDate: '2024-04-03', minutes: 7, units: 1 });
    const after = line({ lineNumber: 3, procedureCode: 'T2040', modifiers: ['U6'], serviceDate: '2024-04-04', minutes: 8, units: 1 });
    const results = await judge([range, inside, after]);
    expect(results.map(categories)).toEqual([['exclusive-same-day'], ['exclusive-same-day', 'not-reportable'], []]);
  });

  it('validateLine applies line-level rules only', async () => {
    const bundle = await bundleOf(DHCS);
    expect(bundle.validateLine(line({ procedureCode: 'T2050', modifiers: ['U6'] })).status).toBe('accepted');
  });
});

describe('outreach after the service it should initiate', () => {
  const ecm = line({ lineNumber: 1, procedureCode: 'G9008', modifiers: ['U1'], serviceDate: '2024-04-01' });
  it.each([
    ['G9008', ['U8']], ['G9012', ['U8']], ['G9012', ['U8', 'GQ']],
  ])('%s %j after ECM began is a warning', async (code, mods) => {
    const out = line({ lineNumber: 2, procedureCode: code, modifiers: mods, serviceDate: '2024-04-02' });
    const [, r] = await judge([ecm, out]);
    expect(r).toMatchObject({ status: 'accepted' });
    expect(r!.findings.map((f) => [f.category, f.severity])).toEqual([['outreach-after-initiation', 'warning']]);
  });
  it('not on the same day, not before, not for another member', async () => {
    const out = line({ lineNumber: 2, procedureCode: 'G9012', modifiers: ['U8'] });
    expect((await judge([ecm, { ...out, serviceDate: '2024-04-01' }]))[1]!.findings).toEqual([]);
    expect((await judge([ecm, { ...out, serviceDate: '2024-03-31' }]))[1]!.findings).toEqual([]);
    expect((await judge([ecm, { ...out, serviceDate: '2024-04-05', memberId: 'M2' }]))[1]!.findings).toEqual([]);
  });
  it.each([['H0043', ['U6']], ['H2016', ['U6']], ['H0044', ['U2']], ['T2040', ['U6']], ['T2050', ['U6']], ['T2041', ['U6']], ['T2051', ['U6']]])(
    'T1016 U8 after housing service %s %j is a warning', async (code, mods) => {
      const housing = line({ lineNumber: 1, procedureCode: code, modifiers: mods, serviceDate: '2024-04-01', amount: 100, minutes: 15 });
      const out = line({ lineNumber: 2, procedureCode: 'T1016', modifiers: ['U8'], minutes: 15, serviceDate: '2024-04-10' });
      expect(categories((await judge([housing, out]))[1]!)).toEqual(['outreach-after-initiation']);
    });
  it('housing outreach is not judged against ECM, nor ECM outreach against housing', async () => {
    const t1016 = line({ lineNumber: 2, procedureCode: 'T1016', modifiers: ['U8'], minutes: 15, serviceDate: '2024-04-10' });
    expect((await judge([ecm, t1016]))[1]!.findings).toEqual([]);
    const housing = line({ lineNumber: 1, procedureCode: 'H0043', modifiers: ['U6'] });
    const g9008 = line({ lineNumber: 2, procedureCode: 'G9008', modifiers: ['U8'], serviceDate: '2024-04-10' });
    expect((await judge([housing, g9008]))[1]!.findings).toEqual([]);
  });
});

describe('invalid records', () => {
  it.each([
    ['memberId', { memberId: undefined }],
    ['serviceDate', { serviceDate: '2024-02-30' }],
    ['serviceDate', { serviceDate: '04/01/2024' }],
    ['serviceDateEnd', { serviceDateEnd: '2024-03-31' }],
    ['units', { units: 0 }],
    ['units', { units: 'x' }],
    ['modifiers', { modifiers: ['U1', 'GQ', '25', 'HE', 'XE'] }],
    ['modifiers', { modifiers: 'U1' }],
    ['procedureCode', { procedureCode: 'G900' }],
    ['lineNumber', { lineNumber: 0 }],
    ['claimId', { claimId: 42 }],
    ['minutes', { minutes: -1 }],
    ['amount', { amount: -5 }],
    ['placeOfService', { placeOfService: '2' }],
    ['placeOfService', { placeOfService: 100 }],
  ])('%s: %j', async (field, over) => {
    const r = await one({ procedureCode: 'G9008', modifiers: ['U1'], ...over });
    expect(r).toMatchObject({ status: 'invalid', program: null, billableUnits: null });
    expect(categories(r)).toEqual(['invalid-record']);
    expect(r.findings[0]!.message).toContain(field);
  });

  it('a place of service written as a number is read as its two-digit code', async () => {
    expect(categories(await one({ procedureCode: 'G9008', modifiers: ['U1'], placeOfService: 2 }))).toEqual(['telehealth-modifier']);
    expect((await one({ procedureCode: 'G9008', modifiers: ['U1'], placeOfService: 11 })).status).toBe('accepted');
  });

  it('2024-02-29 is a real date', async () => {
    expect((await one({ procedureCode: 'G9008', modifiers: ['U1'], serviceDate: '2024-02-29' })).status).toBe('accepted');
  });

  it('anything at all gets exactly one result', async () => {
    const results = await judge([null, 'text', 42, [], {}, line({ procedureCode: 'G9008', modifiers: ['U1'] })]);
    expect(results.map((r) => r.status)).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'invalid', 'accepted']);
    expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('classify', () => {
  it('returns the catalogue entry or null', async () => {
    const b = await bundleOf(DHCS);
    expect(b.classify('G9008', ['U1'])).toMatchObject({ program: 'ECM', service: 'Enhanced Care Management', staff: 'clinical', delivery: 'in-person' });
    expect(b.classify('g9008', ['gq', 'u1'], '2024-04-01')).toMatchObject({ delivery: 'telehealth' });
    expect(b.classify('G9007', [], '2023-12-31')).toBeNull();
    expect(b.classify('G9007', [], '2024-01-01')).not.toBeNull();
    expect(b.classify('99213', [])).toBeNull();
    expect(b.classify('G9008', [])).toBeNull();
  });
  it('meta names the guidance', async () => {
    const b = await bundleOf(DHCS);
    expect(b.meta).toMatchObject({ guidance: 'dhcs-ecm-cs', versions: mustLoad(DHCS).versions.map((v) => v.guidance.version) });
    expect(b.meta.sourceHash).toMatch(/^[0-9a-f]{64}$/);
  });
});
