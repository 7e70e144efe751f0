/**
 * Generated encounter lines for differential tests and benchmarks: drawn from
 * a rule set's catalogue (every combination, with and without delivery
 * modifiers, in upper and lower case), with edge values for every field,
 * date ranges, same-day pairs and histories per member so that cross-line
 * rules fire, and a sprinkling of malformed records. Seeded: the same
 * arguments give the same lines.
 */
import type { RuleSet } from '../../compiler/model.ts';
import { formatDay, parseDay } from '../../runtime/record.js';
import { prng as seeded } from '../tools/prng.ts';

export interface GenerateOptions {
  lines: number;
  seed?: number;
  /** Lines per member on average (cross-line groups grow with it). */
  perMember?: number;
  /** Share of records a typed table cannot carry (e.g. units written as text). */
  uncarried?: number;
}

/** Lines for a rule set (its newest edition's catalogue), as input records. */
export function* generateLines(rs: RuleSet, options: GenerateOptions): Generator<Record<string, unknown>> {
  const rand = seeded(options.seed ?? 20240331);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const chance = (p: number) => rand() < p;
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const deliveryMods = [...rs.delivery.modifiers.keys()];
  const combos = rs.entries.flatMap((e) => [e.modifiers, ...(e.deliveryAllowed ? deliveryMods.map((m) => [...e.modifiers, m]) : [])].map((mods) => ({ code: e.code, mods })));
  const allMods = [...rs.modifiers.keys()];
  const codes = [...new Set(rs.entries.map((e) => e.code))];
  const members = Math.max(1, Math.floor(options.lines / (options.perMember ?? 25)));
  const start = parseDay('2021-12-01');
  const dates = [...rs.dates.values()].map((d) => d.day);
  const hot = new Map<number, number[]>();
  const hotDays = (m: number) => {
    let h = hot.get(m);
    if (!h) { h = [int(start, start + 1200), int(start, start + 1200), int(start + 700, start + 1000)]; hot.set(m, h); }
    return h;
  };
  const day = (m: number): number => {
    const r = rand();
    if (r < 0.45) return pick(hotDays(m)) + int(0, 2);
    if (r < 0.55 && dates.length) return pick(dates) + int(-1, 1);
    return int(start, start + 1300);
  };
  for (let i = 0; i < options.lines; i++) {
    const m = int(0, members - 1);
    const sd = day(m);
    const combo = pick(combos);
    const rec: Record<string, unknown> = { claimId: `C${int(1, options.lines)}`, lineNumber: int(1, 9), memberId: `M${m}`, serviceDate: formatDay(sd) };
    const r = rand();
    if (r < 0.8) { rec.procedureCode = combo.code; rec.modifiers = [...combo.mods].sort(() => rand() - 0.5); }
    else if (r < 0.86) { rec.procedureCode = combo.code.toLowerCase(); rec.modifiers = combo.mods.map((x) => (chance(0.5) ? x.toLowerCase() : x)); }
    else if (r < 0.92) { rec.procedureCode = pick(codes); rec.modifiers = Array.from({ length: int(0, 3) }, () => pick([...allMods, '25', 'HE'])); }
    else if (r < 0.96) { rec.procedureCode = pick(['99213', 'H0046', 'T1017', '0001F']); rec.modifiers = chance(0.5) ? ['U6'] : []; }
    else { rec.procedureCode = pick(['G900', 'ZZZZZZ', 'g90o8', 'T2040']); rec.modifiers = pick([['U6', 'GQ', 'HE', '25', 'XE'], ['U6X'], ['u6'], []]); }
    // Extra modifiers beside a catalogue combination (tolerated before the combination check's compliance date).
    if (r < 0.8 && chance(0.04)) rec.modifiers = [...(rec.modifiers as string[]), pick(['25', 'HE', 'XE', ...deliveryMods, ...allMods])];
    if (rec.modifiers !== undefined && (rec.modifiers as string[]).length === 0 && chance(0.5)) delete rec.modifiers;
    const minutes = chance(0.45) ? pick([0, 7, 8, 15, 22, 23, 30, 37, 38, 52, 53, 67, 68, 90, int(0, 200), -3, 7.5]) : undefined;
    if (minutes !== undefined) rec.minutes = minutes;
    const eights = minutes !== undefined && minutes >= 8 ? Math.floor((minutes + 7) / 15) : 1;
    rec.units = chance(0.85) ? Math.max(1, Math.floor(eights)) : pick([1, 2, 3, 0, -1, 1.5, 2.25, 0.1, 1e-7, 0.000015, 123456789.5, 2e21, 31, 0.30000000000000004]);
    if (chance(0.2)) {
      const span = pick([0, 1, 2, 6, 30, 31, 45, 5000, -3]);
      rec.serviceDateEnd = formatDay(sd + span);
      if (chance(0.7) && span >= 0) rec.units = Math.min(span + 1, 60);
    }
    if (chance(0.35)) rec.amount = pick([0, 100, 2500.5, -1, 0.30000000000000004, 1e-7, 12000]);
    if (chance(0.7)) rec.placeOfService = pick(['02', '10', '11', '12', '99', '2', 2, 10, '']);
    if (chance(0.4)) rec.staffCredential = pick(['RN', 'rn', ' lcsw ', 'CHW', 'Doula', 'promotoras de salud', 'Registered Nurses', 'XYZ', '']);
    if (chance(0.05)) rec.planId = pick(['P1', 'P2', '']);
    // Malformed but carried by a typed table.
    const bad = rand();
    if (bad < 0.004) rec.claimId = '';
    else if (bad < 0.008) delete rec.claimId;
    else if (bad < 0.012) rec.lineNumber = pick([0, 1.5, -2]);
    else if (bad < 0.016) rec.memberId = '';
    else if (bad < 0.02) delete rec.serviceDate;
    else if (bad < 0.024) delete rec.units;
    else if (bad < 0.027) rec[pick(['claimId', 'memberId'])] = pick(['   ', '\u00a0', '\t', ' x ']);
    // Not carried by a typed table (always invalid).
    if (rand() < (options.uncarried ?? 0)) {
      const k = int(0, 4);
      if (k === 0) rec.units = String(rec.units);
      else if (k === 1) rec.claimId = 7;
      else if (k === 2) rec.serviceDate = '2024-02-30';
      else if (k === 3) rec.modifiers = 'U6';
      else rec.memberId = null;
    }
    yield rec;
  }
}
