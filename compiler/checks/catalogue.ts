/** Semantic checks of the service catalogue: codes, modifiers, unit bases, dates, overlaps. */
import { didYouMean, type Diagnostic } from '../diagnostics.ts';
import { isCodePattern, isProcedureCode, patternKey } from '../codes.ts';
import { placeOfField, type RuleSet } from '../model.ts';
import { diagnosticAt, whereIs } from '../source.ts';


export function checkCatalogue(rs: Pick<RuleSet, 'entries' | 'modifiers' | 'delivery'> & { unitBases: ReadonlyMap<string, unknown> }): Diagnostic[] {
  const out: Diagnostic[] = [];
  // Suggest the modifiers the catalogue uses most first: a typo of U6 is likelier than of U4.
  const uses = new Map<string, number>();
  for (const e of rs.entries) for (const m of e.modifiers) uses.set(m, (uses.get(m) ?? 0) + 1);
  const byUse = [...rs.modifiers.keys()].sort((a, b) => (uses.get(b) ?? 0) - (uses.get(a) ?? 0));
  for (const e of rs.entries) {
    const at = (...path: (string | number)[]) => placeOfField(e, ...path); // a field changed by a later edition is reported there
    if (!isProcedureCode(e.code)) {
      const hint = e.code.toUpperCase() !== e.code && isProcedureCode(e.code.toUpperCase()) ? `write it upper-case: ${e.code.toUpperCase()}`
        : /^[0-9]{1,4}$/.test(e.code) ? `a CPT code has five characters: quote it as written, e.g. code: "${e.code.padStart(5, '0')}"`
        : 'a HCPCS Level II code is a letter and four digits (G9008); a CPT code five digits (99213) or four digits and F or T (0001F)';
      out.push(diagnosticAt(at('code'), 'bad-code', `"${e.code}" is not a HCPCS or CPT code`, hint));
    }
    const seen = new Set<string>();
    e.modifiers.forEach((m, i) => {
      if (!rs.modifiers.has(m)) {
        const declaredIn = rs.modifiers.values().next().value?.place.file.path;
        const fallback = m.toUpperCase() !== m && rs.modifiers.has(m.toUpperCase()) ? `write it upper-case: ${m.toUpperCase()}`
          : `declare it under modifiers${declaredIn ? ` (in ${declaredIn})` : ''}, or fix the spelling`;
        out.push(diagnosticAt(at('modifiers', i), 'unknown-modifier', `modifier ${m} is not declared in this guidance`, didYouMean(m, byUse, fallback)));
      } else if (rs.delivery.modifiers.has(m)) {
        out.push(diagnosticAt(at('modifiers', i), 'bad-value', `${m} is a delivery modifier, not a defining one`, `remove ${m}: it may be added to any entry that allows delivery modifiers`));
      } else if (seen.has(m)) {
        out.push(diagnosticAt(at('modifiers', i), 'bad-value', `modifier ${m} is listed twice`, 'list each defining modifier once'));
      }
      seen.add(m);
    });
    if (!rs.unitBases.has(e.unit)) {
      const where = e.unit === '' ? at() : at('unit');
      out.push(diagnosticAt(where, 'unknown-unit', e.unit === '' ? `${e.combination} has no unit basis` : `unit basis "${e.unit}" is not declared`, didYouMean(e.unit, rs.unitBases.keys(), `use one of ${[...rs.unitBases.keys()].join(', ')}`)));
    }
    if (e.effective !== null && e.retired !== null && e.retired <= e.effective) {
      out.push(diagnosticAt(at(), 'bad-dates', `${e.combination} retires on or before the day it takes effect`, 'the retired date must come after the effective date'));
    }
  }
  // Two entries for one combination must not be in force on the same day.
  const byKey = new Map<string, typeof rs.entries>();
  for (const e of rs.entries) byKey.set(e.combination, [...(byKey.get(e.combination) ?? []), e]);
  for (const list of byKey.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = 0; j < i; j++) {
        const a = list[j]!;
        const b = list[i]!;
        const overlap = (a.effective ?? -Infinity) < (b.retired ?? Infinity) && (b.effective ?? -Infinity) < (a.retired ?? Infinity);
        if (overlap) {
          out.push(diagnosticAt(b.place, 'overlapping-entries', `${b.combination} is already defined at ${whereIs(a.place)} (${a.service}) on overlapping dates`,
            'give one of them a retired date before the other takes effect, or remove the repeat'));
        }
      }
    }
  }
  return out;
}

/** Code patterns listed in sets and exclusivity declarations must name catalogue entries, like code patterns in expressions. */
export function checkSetPatterns(rs: Pick<RuleSet<unknown>, 'entries' | 'sets' | 'rules'>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const combinations = [...new Set(rs.entries.map((e) => e.combination))];
  for (const rule of rs.rules) {
    if (!rule.exclusive) continue;
    const seen = new Set<string>();
    rule.exclusive.combinations.forEach((item, i) => {
      const at = { ...rule.exclusive!.place, path: [...rule.exclusive!.place.path, i] };
      const key = isCodePattern(item) ? patternKey(item) : item;
      if (!combinations.includes(key)) {
        out.push(diagnosticAt(at, 'unknown-combination', `${item} is not a combination in the catalogue`,
          didYouMean(item, combinations, 'list code patterns of catalogue entries: code then its defining modifiers, e.g. T2040:U6')));
      } else if (seen.has(key)) {
        out.push(diagnosticAt(at, 'bad-value', `${item} is listed twice`, 'list each combination once'));
      }
      seen.add(key);
    });
  }
  for (const set of rs.sets.values()) {
    if (set.itemType !== 'code') continue;
    set.items.forEach((item, i) => {
      if (!combinations.includes(String(item))) {
        out.push(diagnosticAt({ ...set.place, path: [...set.place.path, 'items', i] }, 'unknown-combination', `${String(item)} is not a combination in the catalogue`,
          didYouMean(String(item), combinations, 'code patterns name catalogue entries: code then its defining modifiers, e.g. T2040:U6')));
      }
    });
  }
  return out;
}
