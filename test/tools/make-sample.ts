/**
 * Writes rules/dhcs-ecm-cs/sample/encounters.jsonl: a deterministic sample of
 * ECM and Community Supports encounter lines (the input record format) for ~40 members over
 * April–June 2024. Mostly valid lines across every service of the DHCS v1.2
 * guidance, plus a sprinkling of every status and finding category of the DHCS rule set
 * (except plan-choice), and two lines that are not JSON at all.
 *
 *   npx tsx test/tools/make-sample.ts [out-file]
 *
 * Fields are written in the order of the record field table (compiler/fields.ts).
 * Seeded PRNG only (no Math.random, no clock): the same script writes the same file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RECORD_FIELDS } from '../../compiler/fields.ts';

type Line = Record<string, unknown>;

// ---- deterministic helpers ------------------------------------------------
let seed = 0x5eed2024;
function rand(): number { // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const chance = (p: number) => rand() < p;
const DAY = 86_400_000;
const day = (iso: string) => Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10));
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const add = (d: string, n: number) => iso(day(d) + n * DAY);
const FIRST = '2024-04-01';
const LAST = '2024-06-30';
const rule8 = (minutes: number) => (minutes < 8 ? 0 : Math.floor((minutes + 7) / 15));

// ---- members ----------------------------------------------------------------
const members: string[] = [];
while (members.length < 40) { // Medi-Cal CIN shape: 9 + 7 digits + letter
  const cin = `9${String(int(0, 9_999_999)).padStart(7, '0')}${pick('ABCDEFGHJKLMNPRSTUVWXYZ'.split(''))}`;
  if (!members.includes(cin)) members.push(cin);
}
const CLINICAL = ['RN', 'LCSW', 'LVN', 'NP', 'LMFT', 'LPN'];
const NON_CLINICAL = ['CHW', 'MA', 'Promotora', 'CHW', 'Doula'];
const IN_PERSON = ['11', '12', '12', '99'];
const TELE = ['02', '10'];

const lines: Line[] = []; // valid encounter lines; claims are assigned later
function emit(memberId: string, serviceDate: string, procedureCode: string, modifiers: string[], extra: Line = {}): void {
  const tele = modifiers.includes('GQ');
  lines.push({ memberId, serviceDate, procedureCode, modifiers, units: 1, placeOfService: pick(tele ? TELE : IN_PERSON), ...extra });
}
/** A per-15-minute line whose units follow the rule of eights. */
function timed(m: string, d: string, code: string, mods: string[], lo = 10, hi = 75): void {
  const minutes = int(lo, hi);
  emit(m, d, code, mods, { units: rule8(minutes), minutes });
}
/** A per diem line over `days` days (units = days). */
function perDiem(m: string, d: string, code: string, mods: string[], days: number, extra: Line = {}): void {
  const end = add(d, days - 1) > LAST ? LAST : add(d, days - 1);
  const n = (day(end) - day(d)) / DAY + 1;
  emit(m, d, code, mods, n > 1 ? { serviceDateEnd: end, units: n, ...extra } : extra);
}
const maybeGQ = (mods: string[], p = 0.25) => (chance(p) ? [...mods, 'GQ'] : mods);
const dates = (start: string, stepLo: number, stepHi: number): string[] => {
  const out: string[] = [];
  for (let d = start; d <= LAST; d = add(d, int(stepLo, stepHi))) out.push(d);
  return out;
};

// ---- realistic timelines ----------------------------------------------------
const DAY_HABILITATION = ['T2012', 'T2014', 'T2018', 'T2020', 'H2024', 'H2026'];
const rotate = { dayHab: 0, skills: 0, homeMods: 0 }; // round-robin, so that every code appears
members.forEach((m, i) => {
  // ECM for members 0..23: outreach attempts, then care management every 2-4 weeks.
  if (i < 24) {
    const clinical = chance(0.5);
    const cred = pick(clinical ? CLINICAL : NON_CLINICAL);
    const [code, care] = clinical ? ['G9008', 'U1'] : ['G9012', 'U2'];
    const start = add(FIRST, int(3, 40));
    for (let k = int(0, 2); k > 0; k--) emit(m, add(start, -int(1, 3) * k), code, maybeGQ(['U8'], 0.5), { staffCredential: cred });
    for (const d of dates(start, 14, 30)) emit(m, d, code, maybeGQ([care], 0.35), { staffCredential: cred });
    if (chance(0.3)) emit(m, add(start, int(5, 30)), 'G9007', [], chance(0.5) ? { placeOfService: '02' } : {});
  }
  // Community Supports: one or two programs per member.
  // Housing (0, 1) only for members i % 12 in {0, 1}; members 30.. get one program only.
  const programs = new Set([i % 12, ...(i < 30 && chance(0.35) ? [int(2, 11)] : [])]);
  for (const p of programs) {
    const start = add(FIRST, int(5, 45));
    switch (p) {
      case 0: case 1: { // housing: outreach first, then navigation, a deposit, tenancy support
        for (let k = int(1, 2); k > 0; k--) timed(m, add(start, -2 * k), 'T1016', maybeGQ(['U8'], 0.4), 8, 50);
        for (const d of dates(start, 10, 21)) emit(m, d, pick(['H0043', 'H2016']), maybeGQ(['U6'], 0.15));
        if (chance(0.6)) emit(m, add(start, 10), 'H0044', ['U2'], { amount: pick([850, 1200, 1500, 2100.5]) });
        const per15 = chance(0.5); // the MCP picks per 15 minutes or per diem — never both
        for (const d of dates(add(start, 3), 14, 28)) {
          if (per15) timed(m, d, pick(['T2040', 'T2041']), maybeGQ(['U6']));
          else emit(m, d, pick(['T2050', 'T2051']), maybeGQ(['U6']));
        }
        break;
      }
      case 2: if (chance(0.5)) perDiem(m, start, 'H0043', ['U3'], int(7, 30));
        else emit(m, '2024-05-01', 'H0044', ['U3'], { serviceDateEnd: '2024-05-31' });
        break;
      case 3: perDiem(m, start, 'T2033', ['U6'], int(5, 21)); break;
      case 4: for (const d of dates(start, 10, 25)) perDiem(m, d, pick(['H0045', 'S5151', 'S9125']), ['U6'], int(1, 3)); break;
      case 5: {
        const per15 = (rotate.skills++ % 2) === 0; // the MCP picks H2014 or H2038 — never both
        for (const d of dates(start, 7, 14)) {
          if (chance(0.5)) emit(m, d, DAY_HABILITATION[rotate.dayHab++ % 6]!, maybeGQ(['U6'], 0.1));
          else if (per15) timed(m, d, 'H2014', maybeGQ(['U6'], 0.1), 30, 120);
          else emit(m, d, 'H2038', ['U6']);
        }
        break;
      }
      case 6: emit(m, start, 'T2038', ['U4'], { amount: pick([1800, 2500, 3200]) });
        perDiem(m, add(start, 1), 'H2022', ['U5'], int(10, 30), { amount: pick([95, 110, 125.75]) });
        break;
      case 7: emit(m, start, 'T2038', ['U5'], { amount: pick([900, 1450.25, 4000]) }); break;
      case 8: for (const d of dates(start, 7, 14)) timed(m, d, pick(['S5130', 'T1019']), maybeGQ(['U6'], 0.1), 30, 180); break;
      case 9: if (rotate.homeMods++ % 2 === 0) emit(m, start, 'S5165', ['U6'], { amount: pick([3200, 6800, 12000]) }); // home modifications
        else emit(m, start, 'S5165', ['U5'], chance(0.5) ? { amount: pick([450, 780]) } : {}); // asthma remediation
        break;
      case 10: { // meals delivered every two weeks, some counseling, sometimes a week of per diem meals
        for (const d of dates(start, 14, 14)) {
          emit(m, d, 'S5170', ['U6'], { units: pick([7, 14, 21]) });
          if (chance(0.3)) emit(m, d, 'S9470', maybeGQ(['U6'], 0.6));
        }
        if (chance(0.5)) perDiem(m, add(start, 2), 'S9977', ['U6'], 7);
        break;
      }
      default: emit(m, start, 'H0014', ['U6']); break;
    }
  }
});

// ---- a sprinkling of every status and finding category ---------------------
// Members 24..39 have no ECM; only members with i % 12 in {0, 1} have housing services;
// members 30..39 have a single program. The deliberate lines below are placed (member,
// date) so that each triggers only what its comment says.
const ecmA = members[0]!, ecmB = members[5]!, house = members[12]!, house2 = members[13]!, quiet = members[30]!, quiet2 = members[31]!;
const firstOf = (m: string, codes: string[]) => lines.filter((l) => l.memberId === m && codes.includes(l.procedureCode as string)).map((l) => l.serviceDate as string).sort()[0]!;
const ecmStart = (m: string) => firstOf(m, ['G9008', 'G9012']);
const ecmCare = (m: string) => (lines.some((l) => l.memberId === m && l.procedureCode === 'G9008') ? ['G9008', 'U1'] : ['G9012', 'U2']);
const problems: Line[] = [
  // out of scope
  { memberId: quiet, serviceDate: '2024-04-09', procedureCode: '99213', modifiers: [], units: 1, amount: 98.5, placeOfService: '11' },
  { memberId: quiet2, serviceDate: '2024-05-14', procedureCode: '99214', modifiers: ['25'], units: 1, amount: 140, placeOfService: '11' },
  { memberId: house, serviceDate: '2024-05-20', procedureCode: 'H0046', modifiers: ['U6'], units: 1, placeOfService: '99' },
  { memberId: ecmA, serviceDate: '2024-06-03', procedureCode: 'T1017', modifiers: [], units: 2, placeOfService: '12' },
  // undefined combinations
  { memberId: ecmA, serviceDate: add(ecmStart(ecmA), 2), procedureCode: 'G9008', modifiers: [], units: 1, placeOfService: '11' },
  { memberId: house2, serviceDate: '2024-06-12', procedureCode: 'H0043', modifiers: [], units: 1, placeOfService: '99' },
  { memberId: ecmB, serviceDate: add(ecmStart(ecmB), 1), procedureCode: 'G9012', modifiers: ['U1'], units: 1, placeOfService: '12' },
  { memberId: ecmB, serviceDate: add(ecmStart(ecmB), 4), procedureCode: 'G9008', modifiers: ['U1', '25'], units: 1, placeOfService: '11' },
  { memberId: quiet, serviceDate: '2024-05-02', procedureCode: 'T2040', modifiers: ['U6', 'HE'], units: 2, minutes: 30, placeOfService: '12' },
  { memberId: ecmA, serviceDate: '2024-05-22', procedureCode: 'G9007', modifiers: ['GQ'], units: 1, placeOfService: '02' },
  { memberId: ecmB, serviceDate: '2024-06-18', procedureCode: 'G9008', modifiers: ['U1', 'U1'], units: 1, placeOfService: '11' },
  // not in force on the date of service
  { memberId: quiet, serviceDate: '2021-11-15', procedureCode: 'G9008', modifiers: ['U1'], units: 1, placeOfService: '11', staffCredential: 'RN' },
  { memberId: quiet2, serviceDate: '2021-12-31', procedureCode: 'H2016', modifiers: ['U6'], units: 1, placeOfService: '99' },
  { memberId: quiet2, serviceDate: '2023-12-18', procedureCode: 'G9007', modifiers: [], units: 1, placeOfService: '11' },
  { memberId: house, serviceDate: '2023-12-28', procedureCode: 'T1016', modifiers: ['U8'], units: 1, minutes: 20, placeOfService: '99' },
  // telehealth place of service without GQ
  { memberId: ecmA, serviceDate: add(ecmStart(ecmA), 3), procedureCode: ecmCare(ecmA)[0], modifiers: [ecmCare(ecmA)[1]], units: 1, placeOfService: '02' },
  { memberId: house, serviceDate: '2024-06-21', procedureCode: 'H2016', modifiers: ['U6'], units: 1, placeOfService: '10' },
  { memberId: members[32]!, serviceDate: '2024-05-08', procedureCode: 'S9470', modifiers: ['U6'], units: 1, placeOfService: '02' },
  // not reportable (0-7 minutes)
  { memberId: quiet, serviceDate: '2024-05-23', procedureCode: 'T1019', modifiers: ['U6'], units: 1, minutes: 6, placeOfService: '12' },
  { memberId: house2, serviceDate: add(firstOf(house2, ['T1016']), -3), procedureCode: 'T1016', modifiers: ['U8', 'GQ'], units: 1, minutes: 5, placeOfService: '10' },
  // units mismatch
  { memberId: quiet2, serviceDate: '2024-04-16', procedureCode: 'T2041', modifiers: ['U6'], units: 2, minutes: 40, placeOfService: '12' },
  { memberId: members[33]!, serviceDate: '2024-06-04', procedureCode: 'H0045', modifiers: ['U6'], units: 2, placeOfService: '99' },
  { memberId: members[34]!, serviceDate: '2024-05-13', procedureCode: 'S5130', modifiers: ['U6'], units: 1.5, placeOfService: '12' },
  { memberId: members[35]!, serviceDate: '2024-04-22', serviceDateEnd: '2024-04-26', procedureCode: 'T2033', modifiers: ['U6'], units: 6, placeOfService: '99' },
  // amount required
  { memberId: members[38]!, serviceDate: '2024-04-30', procedureCode: 'H0044', modifiers: ['U2'], units: 1, placeOfService: '99' },
  { memberId: members[37]!, serviceDate: '2024-05-06', procedureCode: 'T2038', modifiers: ['U4'], units: 1, amount: 0, placeOfService: '99' },
  { memberId: members[36]!, serviceDate: '2024-06-10', procedureCode: 'S5165', modifiers: ['U6'], units: 1, placeOfService: '12' },
  { memberId: members[39]!, serviceDate: '2024-06-24', procedureCode: 'H2022', modifiers: ['U5'], units: 1, placeOfService: '13' },
  // staff mismatch (dated after the member's ECM began, so no outreach rule is involved)
  { memberId: ecmB, serviceDate: add(ecmStart(ecmB), 6), procedureCode: 'G9008', modifiers: ['U1'], units: 1, placeOfService: '12', staffCredential: 'CHW' },
  { memberId: ecmB, serviceDate: add(ecmStart(ecmB), 9), procedureCode: 'G9012', modifiers: ['U2', 'GQ'], units: 1, placeOfService: '10', staffCredential: 'RN' },
  // one member, one day: a per-15-minute line and its per diem alternative (footnotes 8, 9, 11)
  { memberId: quiet, serviceDate: '2024-06-05', procedureCode: 'T2040', modifiers: ['U6'], units: 2, minutes: 25, placeOfService: '12' },
  { memberId: quiet, serviceDate: '2024-06-05', procedureCode: 'T2050', modifiers: ['U6'], units: 1, placeOfService: '12' },
  { memberId: quiet2, serviceDate: '2024-05-20', serviceDateEnd: '2024-05-22', procedureCode: 'H2038', modifiers: ['U6'], units: 3, placeOfService: '99' },
  { memberId: quiet2, serviceDate: '2024-05-21', procedureCode: 'H2014', modifiers: ['U6'], units: 4, minutes: 55, placeOfService: '99' },
  // outreach after the service it should initiate (warnings)
  { memberId: ecmA, serviceDate: add(ecmStart(ecmA), 12), procedureCode: 'G9012', modifiers: ['U8'], units: 1, placeOfService: '12', staffCredential: 'CHW' },
  { memberId: ecmB, serviceDate: add(ecmStart(ecmB), 15), procedureCode: 'G9008', modifiers: ['U8', 'GQ'], units: 1, placeOfService: '02', staffCredential: 'LCSW' },
  { memberId: house, serviceDate: add(firstOf(house, ['H0043', 'H2016']), 9), procedureCode: 'T1016', modifiers: ['U8'], units: 2, minutes: 30, placeOfService: '99' },
  // malformed records
  { serviceDate: '2024-04-11', procedureCode: 'G9012', modifiers: ['U2'], units: 1, placeOfService: '12' },
  { memberId: ecmA, serviceDate: '2024-02-30', procedureCode: 'G9008', modifiers: ['U1'], units: 1 },
  { memberId: house2, serviceDate: '2024-05-10', serviceDateEnd: '2024-05-03', procedureCode: 'T2051', modifiers: ['U6'], units: 1 },
  { memberId: members[20]!, serviceDate: '2024-04-25', procedureCode: 'S5170', modifiers: ['U6'], units: 0 },
  { memberId: members[21]!, serviceDate: '2024-05-29', procedureCode: 'H0043', modifiers: ['U6'], units: 'x' },
  { memberId: members[22]!, serviceDate: '2024-06-06', procedureCode: 'G9008', modifiers: ['U1', 'GQ', '95', 'HE', 'XE'], units: 1, placeOfService: '02' },
  { memberId: members[23]!, serviceDate: '2024-04-18', procedureCode: 'G900', modifiers: ['U1'], units: 1 },
];

// ---- claims, order, output --------------------------------------------------
// Valid lines of one member on one date form one claim; each deliberate line is a claim of its own.
const key = (l: Line) => `${l.serviceDate}|${l.memberId ?? ''}`;
const byDate = (a: Line, b: Line) => String(a.serviceDate).localeCompare(String(b.serviceDate)) || String(a.memberId).localeCompare(String(b.memberId));
let claimNo = 240_100;
const records: Line[] = [];
const claims = new Map<string, Line[]>();
for (const l of [...lines].sort(byDate)) claims.set(key(l), [...(claims.get(key(l)) ?? []), l]);
for (const group of claims.values()) {
  const claimId = `C${claimNo++}`;
  group.forEach((l, n) => records.push({ claimId, lineNumber: n + 1, ...l }));
}
for (const l of problems) records.push({ claimId: `C${claimNo++}`, lineNumber: 1, ...l });
records.sort((a, b) => byDate(a, b) || String(a.claimId).localeCompare(String(b.claimId)) || (a.lineNumber as number) - (b.lineNumber as number));

const FIELDS = RECORD_FIELDS.map((f) => f.name);
for (const r of records) {
  for (const k of Object.keys(r)) if (!FIELDS.includes(k)) throw new Error(`make-sample: ${k} is not a record field (compiler/fields.ts)`);
}
const text = records.map((r) => JSON.stringify(Object.fromEntries(FIELDS.filter((f) => r[f] !== undefined).map((f) => [f, r[f]]))));
text.splice(Math.floor(text.length / 3), 0, '{"claimId": "C9", ');
text.splice(Math.floor((2 * text.length) / 3), 0, 'not json');

const out = process.argv[2] ? resolve(process.argv[2]) : resolve(dirname(fileURLToPath(import.meta.url)), '../../rules/dhcs-ecm-cs/sample/encounters.jsonl');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${text.join('\n')}\n`);
process.stderr.write(`wrote ${relative(process.cwd(), out)}: ${text.length} lines (${lines.length} valid encounter lines, ${problems.length} deliberate problems, 2 not JSON)\n`);
