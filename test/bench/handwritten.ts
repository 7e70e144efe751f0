/**
 * A hand-written validator for the DHCS v1.2 rules, written for speed as an
 * engineer would write it without Codeguide: the speed baseline of `npm run
 * bench`. It reads records with straight-line checks (a record that fails one
 * is handed to the shared record check, which words the problems), looks a
 * line's code and modifiers up in a two-level table without building a key
 * string, allocates each result once with all its fields, numbers members and
 * notes cross-line participants as integers in typed arrays, and keeps the
 * per-diem and exclusive-pair combinations of each member-day as bit masks.
 * It writes the same results as the bundle — statuses, rules, categories,
 * severities and messages — with its own short cites; the bench checks that
 * both agree on every line. (It judges by v1.2 only and does not read lines
 * with extra modifiers as the combinations they hold: v1.1 stopped tolerating
 * them before the bench's dates of service.)
 */
import { recordCheckFunction } from '../../compiler/emit/record.ts';
import { formatDay, isBlank, MAX_GROUP_DAYS, parseDay, type RecordProblem } from '../../runtime/record.js';

const checkRecord = recordCheckFunction();

const D2022 = parseDay('2022-01-01');
const D2024 = parseDay('2024-01-01');
const ENFORCED = parseDay('2024-03-31');
const NOTE = ' (enforced from 2024-03-31; a warning until then)';
const CITE = 'v1.2';

const enum Unit { None, Q15, Diem, Month, Service }
const enum Staff { Any, Clinical, NonClinical }
/** What a line's cross-line rules need: the exclusive pair it belongs to, and its outreach kind. */
const enum Outreach { None, Ecm, Housing }

/** One catalogue entry of v1.2, and how each of its rules applies. */
interface Entry {
  combination: string; program: string; service: string; unit: Unit; amount: boolean; from: number; gq: boolean; staff: string | null;
  outreach: boolean; checkStaff: Staff; telehealthRule: boolean;
  /** Bit of this combination in a member-day's masks (per diem or exclusive pair), or 0; and its position. */
  bit: number; bitIndex: number; perDiem: boolean; partnerBit: number; pairRule: string; pairText: string;
  startsEcm: boolean; startsHousing: boolean; outreachKind: Outreach;
}
/** One way to write an entry: its modifiers (sorted) with or without GQ. */
interface Variant { mods: string[]; e: Entry; telehealth: boolean }

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
const PAIRS: [string, string, string, string][] = [
  ['T2040:U6', 'T2050:U6', 'financial-management-same-day', 'financial management is billed both per 15 minutes (T2040 U6) and per diem (T2050 U6)'],
  ['T2041:U6', 'T2051:U6', 'support-brokerage-same-day', 'support brokerage is billed both per 15 minutes (T2041 U6) and per diem (T2051 U6)'],
  ['H2014:U6', 'H2038:U6', 'skills-training-same-day', 'skills training and development is billed both per 15 minutes (H2014 U6) and per diem (H2038 U6)'],
];
const ECM_START = new Set(['G9008:U1', 'G9012:U2']);
const HOUSING_START = new Set(['H0043:U6', 'H2016:U6', 'H0044:U2', 'T2040:U6', 'T2050:U6', 'T2041:U6', 'T2051:U6']);

/** The two-level lookup: code → its variants (compared with a line's modifiers in place). */
const BY_CODE = new Map<string, Variant[]>();
/** Entries by their bit (1 << k) in a member-day's masks. */
const BY_BIT: Entry[] = [];
function add(combination: string, unit: Unit, opts: Partial<Entry> = {}): void {
  const [code, ...defining] = combination.split(':') as [string, ...string[]];
  const e: Entry = {
    combination, program: code.startsWith('G90') ? 'ECM' : 'Community Supports', service: SERVICE_OF.get(combination)!, unit, amount: false, from: D2022, gq: true,
    staff: null, outreach: combination.endsWith(':U8'), checkStaff: Staff.Any, telehealthRule: true, bit: 0, bitIndex: -1, perDiem: unit === Unit.Diem, partnerBit: 0, pairRule: '', pairText: '',
    startsEcm: ECM_START.has(combination), startsHousing: HOUSING_START.has(combination),
    outreachKind: combination === 'G9008:U8' || combination === 'G9012:U8' ? Outreach.Ecm : combination === 'T1016:U8' ? Outreach.Housing : Outreach.None, ...opts,
  };
  const variants = BY_CODE.get(code) ?? [];
  variants.push({ mods: [...defining].sort(), e, telehealth: false });
  if (e.gq) variants.push({ mods: [...defining, 'GQ'].sort(), e, telehealth: true });
  BY_CODE.set(code, variants);
}
add('G9008:U1', Unit.None, { staff: 'clinical', checkStaff: Staff.Clinical }); add('G9008:U8', Unit.None, { staff: 'clinical', checkStaff: Staff.Clinical });
add('G9012:U2', Unit.None, { staff: 'non-clinical', checkStaff: Staff.NonClinical }); add('G9012:U8', Unit.None, { staff: 'non-clinical', checkStaff: Staff.NonClinical });
add('G9007', Unit.None, { from: D2024, gq: false, staff: 'clinical', telehealthRule: false });
for (const c of ['H0043:U6', 'H2016:U6', 'T2050:U6', 'T2051:U6', 'H0043:U3', 'T2033:U6', 'H0045:U6', 'S5151:U6', 'S9125:U6', 'T2012:U6', 'T2014:U6', 'T2018:U6', 'T2020:U6', 'H2038:U6', 'H2024:U6', 'H2026:U6', 'S9977:U6']) add(c, Unit.Diem);
add('H2022:U5', Unit.Diem, { amount: true });
add('H0044:U2', Unit.Month, { amount: true }); add('H0044:U3', Unit.Month);
for (const c of ['T2040:U6', 'T2041:U6', 'H2014:U6', 'S5130:U6', 'T1019:U6']) add(c, Unit.Q15);
add('T1016:U8', Unit.Q15, { from: D2024 });
add('T2038:U4', Unit.Service, { amount: true }); add('T2038:U5', Unit.Service, { amount: true });
add('S5165:U6', Unit.Service, { amount: true }); add('S5165:U5', Unit.Service);
for (const c of ['S5170:U6', 'S9470:U6', 'H0014:U6']) add(c, Unit.None);
const ENTRY_OF = new Map([...BY_CODE.values()].flat().map((v) => [v.e.combination, v.e]));
for (const e of ENTRY_OF.values()) if (e.perDiem || PAIRS.some((p) => p.includes(e.combination))) { e.bitIndex = BY_BIT.length; e.bit = 1 << BY_BIT.length; BY_BIT.push(e); }
for (const [a, b, rule, text] of PAIRS) {
  const [ea, eb] = [ENTRY_OF.get(a)!, ENTRY_OF.get(b)!];
  Object.assign(ea, { partnerBit: eb.bit, pairRule: rule, pairText: text });
  Object.assign(eb, { partnerBit: ea.bit, pairRule: rule, pairText: text });
}
const NON_CLINICAL = new Set(['MA', 'CHW', 'MEDICAL ASSISTANT', 'MEDICAL ASSISTANTS', 'COMMUNITY HEALTH WORKER', 'COMMUNITY HEALTH WORKERS', 'PROMOTORA', 'PROMOTORAS', 'PROMOTORA DE SALUD', 'PROMOTORAS DE SALUD', 'DOULA', 'DOULAS']);
const CLINICAL = new Set(['LPN', 'LVN', 'LCSW', 'RN', 'PA', 'NP', 'CNS', 'LMFT', 'LICENSED PRACTICAL NURSE', 'LICENSED PRACTICAL NURSES', 'LICENSED VOCATIONAL NURSE', 'LICENSED VOCATIONAL NURSES', 'LICENSED CLINICAL SOCIAL WORKER', 'LICENSED CLINICAL SOCIAL WORKERS', 'REGISTERED NURSE', 'REGISTERED NURSES', 'PHYSICIAN ASSISTANT', 'PHYSICIAN ASSISTANTS', 'NURSE PRACTITIONER', 'NURSE PRACTITIONERS', 'CERTIFIED NURSE SPECIALIST', 'CERTIFIED NURSE SPECIALISTS', 'LICENSED MARRIAGE FAMILY THERAPIST', 'LICENSED MARRIAGE FAMILY THERAPISTS']);

/** A finding, as the bundle writes it. */
export interface Finding { rule: string; category: string; severity: 'error' | 'warning'; message: string; cite: string }
/** A result, with the bundle's fields in the bundle's order. */
export interface Outcome {
  index: number; claimId: string | null; lineNumber: number | null; status: string; program: string | null; service: string | null;
  delivery: string | null; staff: string | null; outreach: boolean | null; billableUnits: number | null; guidanceVersion: string | null; findings: Finding[];
}

/** Is the string two letters or digits? */
function isModifier(m: unknown): m is string {
  if (typeof m !== 'string' || m.length !== 2) return false;
  for (let k = 0; k < 2; k++) {
    const c = m.charCodeAt(k);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return false;
  }
  return true;
}
function isCode(s: unknown): s is string {
  if (typeof s !== 'string' || s.length !== 5) return false;
  for (let k = 0; k < 5; k++) {
    const c = s.charCodeAt(k);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return false;
  }
  return true;
}
const isId = (s: unknown): s is string => typeof s === 'string' && s.length > 0 && !isBlank(s);
const absent = (v: unknown): boolean => v === undefined || v === null || v === '';

/** A line read for judging (one object per line, reused fields; the shared check words problems). */
interface Line { claimId: string; lineNumber: number; memberId: string; date: string; day: number; end: number | null; code: string; mods: string[]; units: number; minutes: number | null; amount: number | null; pos: string | null; staff: string | null }

/** Read a line with straight-line checks, or null when any check fails (the shared check then says why). */
function readLine(raw: unknown, l: Line): boolean {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return false;
  const o = raw as Record<string, unknown>;
  const claimId = o.claimId, lineNumber = o.lineNumber, memberId = o.memberId, code = o.procedureCode, units = o.units;
  if (!isId(claimId) || typeof lineNumber !== 'number' || !Number.isInteger(lineNumber) || lineNumber < 1 || !isId(memberId) || !isCode(code)) return false;
  if (typeof units !== 'number' || !Number.isFinite(units) || units <= 0) return false;
  const day = parseDay(o.serviceDate);
  if (day < 0) return false;
  const endRaw = o.serviceDateEnd;
  let end: number | null = null;
  if (!absent(endRaw)) { end = parseDay(endRaw); if (end < 0 || end < day) return false; }
  const modsRaw = o.modifiers;
  let mods: string[] = l.mods;
  mods.length = 0;
  if (!absent(modsRaw)) {
    if (!Array.isArray(modsRaw) || modsRaw.length > 4) return false;
    for (let k = 0; k < modsRaw.length; k++) { const m = modsRaw[k]; if (!isModifier(m)) return false; mods.push(m.toUpperCase()); }
    if (mods.length > 1) mods = mods.sort();
  }
  const minutes = o.minutes, amount = o.amount, staff = o.staffCredential, tax = o.renderingTaxonomy, plan = o.planId;
  let pos = o.placeOfService;
  if (!absent(minutes) && (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 0)) return false;
  if (!absent(amount) && (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0)) return false;
  if (typeof pos === 'number' && Number.isInteger(pos) && pos >= 0 && pos <= 99) pos = String(pos).padStart(2, '0');
  if (!absent(pos) && (typeof pos !== 'string' || pos.length !== 2 || pos.charCodeAt(0) < 48 || pos.charCodeAt(0) > 57 || pos.charCodeAt(1) < 48 || pos.charCodeAt(1) > 57)) return false;
  if ((!absent(staff) && typeof staff !== 'string') || (!absent(tax) && typeof tax !== 'string') || (!absent(plan) && typeof plan !== 'string')) return false;
  l.claimId = claimId; l.lineNumber = lineNumber; l.memberId = memberId; l.date = o.serviceDate as string; l.day = day; l.end = end; l.code = code.toUpperCase(); l.units = units;
  l.minutes = absent(minutes) ? null : (minutes as number) === 0 ? 0 : (minutes as number);
  l.amount = absent(amount) ? null : (amount as number) === 0 ? 0 : (amount as number);
  l.pos = absent(pos) ? null : (pos as string);
  l.staff = absent(staff) ? null : (staff as string).trim().toUpperCase();
  return true;
}

/** The variant whose modifiers are the line's (sorted), compared in place. */
function variantOf(variants: Variant[], mods: string[]): Variant | null {
  for (let k = 0; k < variants.length; k++) {
    const v = variants[k]!.mods;
    if (v.length !== mods.length) continue;
    let same = true;
    for (let j = 0; j < v.length && same; j++) same = v[j] === mods[j];
    if (same) return variants[k]!;
  }
  return null;
}

const modsText = (mods: readonly string[]): string => (mods.length === 0 ? '(none)' : mods.join(' '));
const shown = (v: number | string | null): string => (v === null ? '(none)' : String(v));
const rule8 = (m: number): number => (m <= 7 ? 0 : m <= 22 ? 1 : m <= 37 ? 2 : 3 + Math.floor((m - 38) / 15));

/** Judge lines by v1.2, cross-line rules included: one result per line, in order. */
export function validateByHand(lines: readonly unknown[]): Outcome[] {
  const n = lines.length;
  const out: Outcome[] = new Array(n);
  const problems: RecordProblem[] = [];
  const l: Line = { claimId: '', lineNumber: 0, memberId: '', date: '', day: 0, end: null, code: '', mods: [], units: 0, minutes: null, amount: null, pos: null, staff: null };
  // Per line, for cross-line rules: member number, first and last group day, entry, and the words its messages show.
  const memberOf = new Int32Array(n).fill(-1);
  const firstDay = new Int32Array(n);
  const lastDay = new Int32Array(n);
  const entryOf: (Entry | null)[] = new Array(n).fill(null);
  const said: string[] = new Array(n); // "CODE MODS"
  const dates: string[] = new Array(n);
  const members = new Map<string, number>();
  const memberIds: string[] = [];
  const crossLines: number[] = [];
  for (let i = 0; i < n; i++) {
    const raw = lines[i];
    let ok: boolean;
    try { ok = readLine(raw, l); } catch { ok = false; }
    if (!ok) {
      problems.length = 0;
      const r = checkRecord(raw, problems);
      if (r === null) {
        const o = raw as { claimId?: unknown; lineNumber?: unknown } | null;
        const c = o !== null && typeof o === 'object' && !Array.isArray(o) ? o.claimId : undefined;
        const ln = o !== null && typeof o === 'object' && !Array.isArray(o) ? o.lineNumber : undefined;
        const findings = problems.map((p): Finding => ({ rule: 'invalid-record', category: 'invalid-record', severity: 'error', message: p.message, cite: CITE }));
        out[i] = { index: i, claimId: typeof c === 'string' ? c : null, lineNumber: typeof ln === 'number' && Number.isFinite(ln) ? ln : null, status: 'invalid', program: null, service: null, delivery: null, staff: null, outreach: null, billableUnits: null, guidanceVersion: null, findings };
        continue;
      }
      Object.assign(l, { claimId: r.claimId, lineNumber: r.lineNumber, memberId: r.memberId, date: formatDay(r.serviceDate), day: r.serviceDate, end: r.serviceDateEnd, code: r.procedureCode, mods: [...r.modifiers], units: r.units, minutes: r.minutes, amount: r.amount, pos: r.placeOfService, staff: r.staffCredential });
    }
    const res: Outcome = { index: i, claimId: l.claimId, lineNumber: l.lineNumber, status: 'accepted', program: null, service: null, delivery: null, staff: null, outreach: null, billableUnits: null, guidanceVersion: '1.2', findings: [] };
    out[i] = res;
    const variants = BY_CODE.get(l.code);
    if (variants === undefined) { res.status = 'out-of-scope'; continue; }
    const x = variantOf(variants, l.mods);
    const what = `${l.code} ${modsText(l.mods)}`;
    if (x === null) {
      res.status = 'rejected';
      res.findings.push({ rule: 'undefined-combination', category: 'undefined-combination', severity: 'error', message: `${l.code} with modifiers ${modsText(l.mods)} does not define an ECM or Community Supports service: use only the code and modifier combinations listed in the guidance (plus GQ for telehealth, except on G9007)`, cite: CITE });
      continue;
    }
    const e = x.e;
    const f = res.findings;
    const date = l.date;
    res.program = e.program; res.service = e.service; res.delivery = x.telehealth ? 'telehealth' : 'in-person'; res.staff = e.staff; res.outreach = e.outreach;
    let units = l.units;
    if (e.unit === Unit.Q15 && l.minutes !== null && l.day >= D2024) units = rule8(l.minutes);
    res.billableUnits = units;
    const early = l.day < ENFORCED;
    if (l.day < e.from) f.push({ rule: 'not-effective', category: 'not-effective', severity: 'error', message: `${what} is not in force on ${date}`, cite: CITE });
    if (!x.telehealth && e.telehealthRule && (l.pos === '02' || l.pos === '10')) f.push({ rule: 'telehealth-modifier', category: 'telehealth-modifier', severity: 'error', message: `${what} at place of service ${l.pos} (telehealth) must carry modifier GQ`, cite: CITE });
    const days = l.end === null ? 1 : l.end - l.day + 1;
    if (e.unit === Unit.Diem) {
      if (!Number.isInteger(l.units) || l.units > days) f.push({ rule: 'units-per-diem', category: 'units-mismatch', severity: 'error', message: `${what} is billed per diem: ${l.units} units reported for ${days} day(s) of service from ${date}; units must be whole and at most one per day`, cite: CITE });
    } else if (e.unit === Unit.Month) {
      let months = 1;
      if (l.end !== null) {
        const [a, b] = [date, formatDay(l.end)];
        months = (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7)) + 1;
      }
      if (!Number.isInteger(l.units) || l.units > months) f.push({ rule: 'units-per-month', category: 'units-mismatch', severity: 'error', message: `${what} is billed per month: ${l.units} units reported from ${date} to ${l.end === null ? '(none)' : formatDay(l.end)}; units must be whole and at most one per calendar month of service`, cite: CITE });
    } else if (e.unit === Unit.Q15) {
      const whole = Number.isInteger(l.units);
      if (!whole) f.push({ rule: 'units-per-15-minutes', category: 'units-mismatch', severity: 'error', message: `${what} is billed per 15 minutes: ${l.units} units is not a whole number of units`, cite: CITE });
      if (l.day >= D2024 && l.minutes !== null) {
        const banded = rule8(l.minutes);
        if (banded === 0) f.push({ rule: 'not-reportable', category: 'not-reportable', severity: early ? 'warning' : 'error', message: `${what} is billed per 15 minutes; ${l.minutes} minutes is under the Rule of Eights threshold of 8 minutes and is not reportable${early ? NOTE : ''}`, cite: CITE });
        if (whole && banded > 0 && l.units !== banded) f.push({ rule: 'units-rule-of-eights', category: 'units-mismatch', severity: early ? 'warning' : 'error', message: `${what} is billed per 15 minutes: ${l.units} units for ${l.minutes} minutes; by the Rule of Eights that is ${banded} (8-22 minutes = 1 unit, 23-37 = 2, each further 15 minutes one more)${early ? NOTE : ''}`, cite: CITE });
      }
    }
    if (e.amount && !(l.amount !== null && l.amount > 0)) f.push({ rule: 'amount-required', category: 'amount-required', severity: 'error', message: `${what} (${e.service}) must report the billed or deposit amount on the encounter; amount reported: ${shown(l.amount)}`, cite: CITE });
    if (e.checkStaff !== Staff.Any && l.day >= D2024 && l.staff !== null) {
      if (e.checkStaff === Staff.Clinical && NON_CLINICAL.has(l.staff)) f.push({ rule: 'staff-clinical-code-non-clinical-credential', category: 'staff-mismatch', severity: early ? 'warning' : 'error', message: `${what} is ECM provided by clinical staff, but the staff credential ${l.staff} is non-clinical: report G9012 instead${early ? NOTE : ''}`, cite: CITE });
      if (e.checkStaff === Staff.NonClinical && CLINICAL.has(l.staff)) f.push({ rule: 'staff-non-clinical-code-clinical-credential', category: 'staff-mismatch', severity: early ? 'warning' : 'error', message: `${what} is ECM provided by non-clinical staff, but the staff credential ${l.staff} is clinical (licensed): report G9008 instead${early ? NOTE : ''}`, cite: CITE });
    }
    // Noted for cross-line rules as integers.
    let m = members.get(l.memberId);
    if (m === undefined) { m = memberIds.length; members.set(l.memberId, m); memberIds.push(l.memberId); }
    memberOf[i] = m;
    firstDay[i] = l.day;
    lastDay[i] = Math.min(l.end ?? l.day, l.day + MAX_GROUP_DAYS - 1);
    entryOf[i] = e;
    said[i] = what;
    dates[i] = date;
    crossLines.push(i);
  }
  crossLineRules(out, { crossLines, memberOf, firstDay, lastDay, entryOf, said, dates, memberIds });
  for (let i = 0; i < n; i++) {
    const o = out[i]!;
    if (o.status !== 'accepted') continue;
    const f = o.findings;
    for (let k = 0; k < f.length; k++) if (f[k]!.severity === 'error') { o.status = 'rejected'; break; }
  }
  return out;
}

/** What the line loop noted for cross-line rules. */
interface Noted {
  crossLines: number[]; memberOf: Int32Array; firstDay: Int32Array; lastDay: Int32Array; entryOf: (Entry | null)[]; said: string[]; dates: string[]; memberIds: string[];
}

/**
 * The lines that start a service, per member in input order, with the running earliest date: the first line
 * of a member dated before a day is found by binary search.
 */
class Starts {
  readonly offsets: Int32Array;
  readonly lines: Int32Array;
  readonly earliest: Int32Array;
  constructor(starts: number[], noted: Noted) {
    const members = noted.memberIds.length;
    this.offsets = new Int32Array(members + 1);
    for (const i of starts) this.offsets[noted.memberOf[i]! + 1]++;
    for (let m = 0; m < members; m++) this.offsets[m + 1] += this.offsets[m]!;
    const at = this.offsets.slice(0, members);
    this.lines = new Int32Array(starts.length);
    for (const i of starts) this.lines[at[noted.memberOf[i]!]!++] = i;
    this.earliest = new Int32Array(starts.length);
    for (let m = 0; m < members; m++) {
      let low = 2147483647;
      for (let j = this.offsets[m]!; j < this.offsets[m + 1]!; j++) this.earliest[j] = low = Math.min(low, noted.firstDay[this.lines[j]!]!);
    }
  }
  /** The first start line (input order) of member m dated before day, or -1. */
  firstBefore(m: number, day: number): number {
    let lo = this.offsets[m]!;
    let hi = this.offsets[m + 1]!;
    if (lo === hi || this.earliest[hi - 1]! >= day) return -1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.earliest[mid]! < day) hi = mid;
      else lo = mid + 1;
    }
    return this.lines[lo]!;
  }
}

/** Per-diem lines billed twice, exclusive pairs on one member-day, outreach after a service began. */
function crossLineRules(out: Outcome[], noted: Noted): void {
  const { crossLines, memberOf, firstDay, lastDay, entryOf, said, dates, memberIds } = noted;
  const NB = BY_BIT.length;
  // Member-days as slots: the combinations on each as a bit mask, and the first two lines of each combination.
  let room = 0;
  for (const i of crossLines) if (entryOf[i]!.bit !== 0) room += lastDay[i]! - firstDay[i]! + 1;
  const slots = new Map<number, number>();
  const mask = new Int32Array(room);
  const firstTwo = new Int32Array(room * NB * 2).fill(-1);
  const slotOf = (m: number, d: number): number => {
    const key = m * 4194304 + d;
    let s = slots.get(key);
    if (s === undefined) { s = slots.size; slots.set(key, s); }
    return s;
  };
  const ecmStarts: number[] = [];
  const housingStarts: number[] = [];
  for (const i of crossLines) {
    const e = entryOf[i]!;
    if (e.startsEcm) ecmStarts.push(i);
    if (e.startsHousing) housingStarts.push(i);
    if (e.bit === 0) continue;
    for (let d = firstDay[i]!; d <= lastDay[i]!; d++) {
      const s = slotOf(memberOf[i]!, d);
      const at = (s * NB + e.bitIndex) * 2;
      if (firstTwo[at] === -1) firstTwo[at] = i;
      else if (firstTwo[at + 1] === -1) firstTwo[at + 1] = i;
      mask[s] |= e.bit;
    }
  }
  const ecm = new Starts(ecmStarts, noted);
  const housing = new Starts(housingStarts, noted);
  const seen = (w: number) => `claim ${out[w]!.claimId} line ${out[w]!.lineNumber}`;
  for (const i of crossLines) {
    const e = entryOf[i]!;
    const m = memberOf[i]!;
    const f = out[i]!.findings;
    if (e.bit !== 0) {
      let twice = -1;
      let pair = -1;
      for (let d = firstDay[i]!; d <= lastDay[i]!; d++) {
        const s = slots.get(m * 4194304 + d)!;
        if (e.perDiem) {
          const at = (s * NB + e.bitIndex) * 2;
          const w = firstTwo[at] !== i ? firstTwo[at]! : firstTwo[at + 1]!;
          if (w >= 0 && (twice === -1 || w < twice)) twice = w;
        }
        if (e.partnerBit !== 0 && (mask[s]! & e.partnerBit) !== 0) {
          const w = firstTwo[(s * NB + (31 - Math.clz32(e.partnerBit))) * 2]!;
          if (pair === -1 || w < pair) pair = w;
        }
      }
      if (twice >= 0) f.push({ rule: 'per-diem-billed-twice', category: 'units-mismatch', severity: 'error', message: `${said[i]} from ${dates[i]} is billed per diem, and ${seen(twice)} bills ${said[twice]} from ${dates[twice]} for member ${memberIds[m]} on a common day: a per diem is billed once per day`, cite: CITE });
      if (pair >= 0) f.push({ rule: e.pairRule, category: 'exclusive-same-day', severity: 'error', message: `${said[i]} from ${dates[i]}: ${e.pairText} for member ${memberIds[m]} on the same day (see ${seen(pair)}, ${said[pair]} from ${dates[pair]}); only one of them may be used for an individual on one day`, cite: CITE });
    }
    if (e.outreachKind === Outreach.Ecm) {
      const w = ecm.firstBefore(m, firstDay[i]!);
      if (w >= 0) f.push({ rule: 'ecm-outreach-after-initiation', category: 'outreach-after-initiation', severity: 'warning', message: `${said[i]} on ${dates[i]} is ECM outreach for initiation into ECM, but member ${memberIds[m]} already received ECM (${said[w]} on ${dates[w]}, ${seen(w)})`, cite: CITE });
    } else if (e.outreachKind === Outreach.Housing) {
      const w = housing.firstBefore(m, firstDay[i]!);
      if (w >= 0) f.push({ rule: 'housing-outreach-after-initiation', category: 'outreach-after-initiation', severity: 'warning', message: `${said[i]} on ${dates[i]} is outreach to initiate housing Community Supports, but member ${memberIds[m]} already received ${entryOf[w]!.service} (${said[w]} on ${dates[w]}, ${seen(w)})`, cite: CITE });
    }
  }
}
