/**
 * A hand-written validator for the DHCS v1.2 rules, as an engineer would write
 * it without Codeguide: the speed baseline of `npm run bench`. It shares only
 * record checking with the bundle and writes the same result records (with its
 * own, shorter messages); the bench checks that both agree on every line.
 */
import { recordCheckFunction } from '../../compiler/emit/record.ts';
import { MAX_GROUP_DAYS, parseDay, type LineRecord, type RecordProblem } from '../../runtime/record.js';

const checkRecord = recordCheckFunction();

const D2022 = parseDay('2022-01-01');
const D2024 = parseDay('2024-01-01');
type Unit = 'q15' | 'diem' | 'month' | 'service' | 'none';
interface Entry { unit: Unit; amount: boolean; from: number; gq: boolean; staff: 'clinical' | 'non-clinical' | null; program: string; service: string; outreach: boolean }

const SERVICES: [string, string[]][] = [
  ['Enhanced Care Management', ['G9008:U1', 'G9008:U8', 'G9012:U2', 'G9012:U8']],
  ['ECM Multidisciplinary Team Conference', ['G9007']],
  ['Housing Transition/Navigation Services', ['H0043:U6', 'H2016:U6']],
  ['Housing Deposits', ['H0044:U2']],
  ['Housing Tenancy and Sustaining Services', ['T2040:U6', 'T2050:U6', 'T2041:U6', 'T2051:U6']],
  ['Short-Term Post-Hospitalization Housing', ['H0043:U3', 'H0044:U3']],
  ['Recuperative Care (Medical Respite)', ['T2033:U6']],
  ['Respite Services', ['H0045:U6', 'S5151:U6', 'S9125:U6']],
  ['Day Habilitation Programs', ['T2012:U6', 'T2014:U6', 'T2018:U6', 'T2020:U6', 'H2014:U6', 'H2038:U6', 'H2024:U6', 'H2026:U6']],
  ['Nursing Facility Transition/Diversion to Assisted Living Facilities', ['T2038:U4', 'H2022:U5']],
  ['Community Transition Services', ['T2038:U5']],
  ['Personal Care/Homemaker Services', ['S5130:U6', 'T1019:U6']],
  ['Environmental Accessibility Adaptations', ['S5165:U6']],
  ['Medically Tailored Meals/Medically-Supportive Food', ['S5170:U6', 'S9470:U6', 'S9977:U6']],
  ['Sobering Centers', ['H0014:U6']],
  ['Asthma Remediation', ['S5165:U5']],
  ['Housing Community Supports Outreach', ['T1016:U8']],
];
const SERVICE_OF = new Map(SERVICES.flatMap(([service, combos]) => combos.map((c) => [c, service] as const)));

const ENTRIES = new Map<string, Entry>();
function add(combo: string, unit: Unit, opts: Partial<Entry> = {}): void {
  const service = SERVICE_OF.get(combo)!;
  const program = combo.startsWith('G90') ? 'ECM' : 'Community Supports';
  ENTRIES.set(combo, { unit, amount: false, from: D2022, gq: true, staff: null, program, service, outreach: combo.endsWith(':U8'), ...opts });
}
add('G9008:U1', 'none', { staff: 'clinical' }); add('G9008:U8', 'none', { staff: 'clinical' });
add('G9012:U2', 'none', { staff: 'non-clinical' }); add('G9012:U8', 'none', { staff: 'non-clinical' });
add('G9007', 'none', { from: D2024, gq: false, staff: 'clinical' });
for (const c of ['H0043:U6', 'H2016:U6', 'T2050:U6', 'T2051:U6', 'H0043:U3', 'T2033:U6', 'H0045:U6', 'S5151:U6', 'S9125:U6', 'T2012:U6', 'T2014:U6', 'T2018:U6', 'T2020:U6', 'H2038:U6', 'H2024:U6', 'H2026:U6', 'S9977:U6']) add(c, 'diem');
add('H2022:U5', 'diem', { amount: true });
add('H0044:U2', 'month', { amount: true }); add('H0044:U3', 'month');
for (const c of ['T2040:U6', 'T2041:U6', 'H2014:U6', 'S5130:U6', 'T1019:U6']) add(c, 'q15');
add('T1016:U8', 'q15', { from: D2024 });
add('T2038:U4', 'service', { amount: true }); add('T2038:U5', 'service', { amount: true });
add('S5165:U6', 'service', { amount: true }); add('S5165:U5', 'service');
for (const c of ['S5170:U6', 'S9470:U6', 'H0014:U6']) add(c, 'none');
const CODES = new Set([...ENTRIES.keys()].map((k) => k.split(':')[0]!));
const CLINICAL = new Set(['LPN', 'LVN', 'LCSW', 'RN', 'PA', 'NP', 'CNS', 'LMFT']);
const NON_CLINICAL = new Set(['MA', 'CHW', 'PROMOTORA', 'PROMOTORA DE SALUD', 'PROMOTORAS DE SALUD', 'DOULA']);
const PAIRS: [string, string][] = [['T2040:U6', 'T2050:U6'], ['T2041:U6', 'T2051:U6'], ['H2014:U6', 'H2038:U6']];
const EXCLUSIVE = new Map<string, string>(PAIRS.flatMap(([a, b]) => [[a, b], [b, a]]));
const ECM_START = new Set(['G9008:U1', 'G9012:U2']);
const HOUSING_START = new Set(['H0043:U6', 'H2016:U6', 'H0044:U2', 'T2040:U6', 'T2050:U6', 'T2041:U6', 'T2051:U6']);

interface Finding { rule: string; category: string; severity: 'error' | 'warning'; message: string; cite: string }
export interface Outcome {
  index: number; claimId: string | null; lineNumber: number | null; status: string; program: string | null; service: string | null;
  delivery: string | null; staff: string | null; outreach: boolean | null; billableUnits: number | null; guidanceVersion: string | null; findings: Finding[];
}

const finding = (category: string, message: string, severity: 'error' | 'warning' = 'error'): Finding => ({ rule: category, category, severity, message, cite: 'v1.2' });
const unclassified = (index: number, r: LineRecord | null, status: string, findings: Finding[]): Outcome => ({
  index, claimId: r?.claimId ?? null, lineNumber: r?.lineNumber ?? null, status, program: null, service: null, delivery: null, staff: null,
  outreach: null, billableUnits: null, guidanceVersion: r ? '1.2' : null, findings,
});

/** The calendar months serviceDate..serviceDateEnd touches. */
function monthsTouched(r: LineRecord): number {
  if (r.serviceDateEnd === null) return 1;
  const [a, b] = [new Date(r.serviceDate * 86400000), new Date(r.serviceDateEnd * 86400000)];
  return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth() + 1;
}

/** The last day a line's range covers, as groups count it. */
function lastDay(r: LineRecord): number {
  return Math.min(r.serviceDateEnd ?? r.serviceDate, r.serviceDate + MAX_GROUP_DAYS - 1);
}

export function validateByHand(lines: readonly unknown[]): Outcome[] {
  const out: Outcome[] = [];
  const classified: { i: number; r: LineRecord; combo: string }[] = [];
  const problems: RecordProblem[] = [];
  for (let i = 0; i < lines.length; i++) {
    problems.length = 0;
    const r = checkRecord(lines[i], problems);
    if (r === null) { out.push(unclassified(i, null, 'invalid', problems.map((p) => finding('invalid-record', p.message)))); continue; }
    if (!CODES.has(r.procedureCode)) { out.push(unclassified(i, r, 'out-of-scope', [])); continue; }
    const mods = r.modifiers;
    const gq = mods.includes('GQ');
    const defining = gq ? mods.filter((m) => m !== 'GQ') : mods;
    const combo = defining.length ? `${r.procedureCode}:${defining.join(':')}` : r.procedureCode;
    const e = ENTRIES.get(combo);
    if (e === undefined || (gq && !e.gq) || (gq && mods.indexOf('GQ') !== mods.lastIndexOf('GQ'))) {
      out.push(unclassified(i, r, 'rejected', [finding('undefined-combination', `${r.procedureCode} ${r.modifiers.join(' ')} defines no service`)]));
      continue;
    }
    const c: Finding[] = [];
    const what = `${r.procedureCode} ${r.modifiers.join(' ')}`;
    if (r.serviceDate < e.from) c.push(finding('not-effective', `${what} is not in force on this date`));
    if (!gq && (r.placeOfService === '02' || r.placeOfService === '10') && combo !== 'G9007') c.push(finding('telehealth-modifier', `${what} at place of service ${r.placeOfService} needs GQ`));
    let billable = r.units;
    if (e.unit === 'q15') {
      const banded = r.minutes === null ? null : r.minutes < 8 ? 0 : Math.floor((r.minutes + 7) / 15);
      if (banded !== null) billable = banded;
      if (banded === 0) c.push(finding('not-reportable', `${r.minutes} minutes is not reportable`));
      if (!Number.isInteger(r.units) || (banded !== null && banded > 0 && r.units !== banded)) c.push(finding('units-mismatch', `${r.units} units for ${r.minutes} minutes`));
    } else if (e.unit === 'diem' && (!Number.isInteger(r.units) || r.units > r.serviceDays)) c.push(finding('units-mismatch', `${r.units} units for ${r.serviceDays} days`));
    else if (e.unit === 'month' && (!Number.isInteger(r.units) || r.units > monthsTouched(r))) c.push(finding('units-mismatch', `${r.units} units for the months of service`));
    if (e.amount && !(r.amount !== null && r.amount > 0)) c.push(finding('amount-required', `${what} needs an amount`));
    if (r.staffCredential !== null) {
      if (r.procedureCode === 'G9008' && NON_CLINICAL.has(r.staffCredential)) c.push(finding('staff-mismatch', `${r.staffCredential} is not clinical`));
      if (r.procedureCode === 'G9012' && CLINICAL.has(r.staffCredential)) c.push(finding('staff-mismatch', `${r.staffCredential} is clinical`));
    }
    out.push({
      index: i, claimId: r.claimId, lineNumber: r.lineNumber, status: 'accepted', program: e.program, service: e.service,
      delivery: gq ? 'telehealth' : 'in-person', staff: e.staff, outreach: e.outreach, billableUnits: billable, guidanceVersion: '1.2', findings: c,
    });
    classified.push({ i, r, combo });
  }
  // Cross-line: combinations per member and day; earliest initiating dates per member.
  const byDay = new Map<string, Set<string>>();
  const perDiemDays = new Map<string, number>(); // member|day|combination → lines covering it
  for (const { r, combo } of classified) {
    if (ENTRIES.get(combo)!.unit !== 'diem') continue;
    for (let d = r.serviceDate; d <= lastDay(r); d++) perDiemDays.set(`${r.memberId}|${d}|${combo}`, (perDiemDays.get(`${r.memberId}|${d}|${combo}`) ?? 0) + 1);
  }
  const firstEcm = new Map<string, number>();
  const firstHousing = new Map<string, number>();
  for (const { r, combo } of classified) {
    if (EXCLUSIVE.has(combo)) {
      for (let d = r.serviceDate; d <= (r.serviceDateEnd ?? r.serviceDate); d++) {
        const key = `${r.memberId}|${d}`;
        let set = byDay.get(key);
        if (!set) byDay.set(key, (set = new Set()));
        set.add(combo);
      }
    }
    const first = ECM_START.has(combo) ? firstEcm : HOUSING_START.has(combo) ? firstHousing : null;
    if (first && !(first.get(r.memberId)! <= r.serviceDate)) first.set(r.memberId, r.serviceDate);
  }
  for (const { i, r, combo } of classified) {
    if (ENTRIES.get(combo)!.unit === 'diem') {
      for (let d = r.serviceDate; d <= lastDay(r); d++) {
        if (perDiemDays.get(`${r.memberId}|${d}|${combo}`)! > 1) { out[i]!.findings.push(finding('units-mismatch', `${combo} billed twice on one day`)); break; }
      }
    }
    const partner = EXCLUSIVE.get(combo);
    if (partner !== undefined) {
      for (let d = r.serviceDate; d <= (r.serviceDateEnd ?? r.serviceDate); d++) {
        if (byDay.get(`${r.memberId}|${d}`)!.has(partner)) { out[i]!.findings.push(finding('exclusive-same-day', `${combo} and ${partner} on one day`)); break; }
      }
    }
    const first = combo === 'G9008:U8' || combo === 'G9012:U8' ? firstEcm : combo === 'T1016:U8' ? firstHousing : null;
    if (first && first.get(r.memberId)! < r.serviceDate) out[i]!.findings.push(finding('outreach-after-initiation', `${combo} after the service began`, 'warning'));
  }
  for (const o of out) if (o.status === 'accepted' && o.findings.some((f) => f.severity === 'error')) o.status = 'rejected';
  return out;
}
