/**
 * Plan choices: where the guidance lets a plan choose among alternative ways
 * of coding one service (per diem or per month, per 15 minutes or per diem),
 * the rule files declare the choice under `choices:`. A plan profile
 * (compiler/profile/profile.ts) then selects; a line coded with an alternative
 * the plan did not select gets a finding of the choice's category.
 */
import { didYouMean, type Diagnostic } from '../diagnostics.ts';
import { isCodePattern, patternKey } from '../codes.ts';
import { diagnosticAt, type Place, type SourceFile } from '../source.ts';

/** One alternative of a choice: the catalogue combinations a plan selects together. */
export interface ChoiceAlternative {
  name: string;
  /** How messages name it ("per diem"). */
  label: string;
  /** Combination keys (code and sorted defining modifiers, "H0043:U3"). */
  combinations: string[];
  place: Place;
}

/** A choice the guidance leaves to the plan. */
export interface PlanChoice {
  /** Kebab-case id; a finding's `rule`. */
  id: string;
  /** What is chosen, as words that fit "not the plan's choice for …". */
  title: string;
  category: string;
  severity: 'error' | 'warning' | null;
  alternatives: ChoiceAlternative[];
  /** What applies when a profile says nothing of this choice: the alternatives allowed, or null for all of them. */
  default: string[] | null;
  cite: string;
  place: Place;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The `choices:` sections of a version's files (already structure-checked), in file order. */
export function gatherChoices(files: readonly SourceFile[], diagnostics: Diagnostic[]): Map<string, PlanChoice> {
  const choices = new Map<string, PlanChoice>();
  for (const file of files) {
    const section = isObj(file.data) ? file.data.choices : undefined;
    if (!isObj(section)) continue;
    for (const [id, raw] of Object.entries(section)) {
      const o = raw as Obj;
      const place: Place = { file, path: ['choices', id] };
      const first = choices.get(id);
      if (first) {
        diagnostics.push(diagnosticAt({ ...place, key: true }, 'duplicate-name', `choices "${id}" is already declared in ${first.place.file.path}`, 'rename one of them or remove the repeat'));
        continue;
      }
      const alternatives = Object.entries(o.alternatives as Obj).map(([name, a]): ChoiceAlternative => {
        const alt = a as Obj;
        return {
          name,
          label: typeof alt.label === 'string' ? alt.label : name.replace(/-/g, ' '),
          combinations: (alt.combinations as unknown[]).map(String),
          place: { file, path: ['choices', id, 'alternatives', name] },
        };
      });
      const def = o.default === 'all' ? null : Array.isArray(o.default) ? o.default.map(String) : [String(o.default)];
      choices.set(id, {
        id, title: String(o.title), category: String(o.category),
        severity: o.severity === 'error' || o.severity === 'warning' ? o.severity : null,
        alternatives, default: def, cite: String(o.cite), place,
      });
    }
  }
  return choices;
}

/**
 * Choices against the catalogue and categories: every combination names a catalogue entry and belongs to one
 * alternative of one choice; the default names alternatives; the category is declared. Combinations are
 * turned into their keys here.
 */
export function checkChoices(rs: { choices: ReadonlyMap<string, PlanChoice>; entries: readonly { combination: string }[]; categories: ReadonlyMap<string, unknown> }): Diagnostic[] {
  const out: Diagnostic[] = [];
  const combinations = [...new Set(rs.entries.map((e) => e.combination))];
  const claimed = new Map<string, string>();
  for (const c of rs.choices.values()) {
    const at = (...path: (string | number)[]): Place => ({ ...c.place, path: [...c.place.path, ...path] });
    if (!rs.categories.has(c.category)) {
      out.push(diagnosticAt(at('category'), 'unknown-category', `category "${c.category}" is not declared`, didYouMean(c.category, rs.categories.keys(), 'declare it under categories')));
    }
    for (const alt of c.alternatives) {
      alt.combinations = alt.combinations.map((item, i) => {
        const where: Place = { ...alt.place, path: [...alt.place.path, 'combinations', i] };
        const key = isCodePattern(item) ? patternKey(item) : item;
        if (!combinations.includes(key)) {
          out.push(diagnosticAt(where, 'unknown-combination', `${item} is not a combination in the catalogue`,
            didYouMean(item, combinations, 'list code patterns of catalogue entries: code then its defining modifiers, e.g. H0043:U3')));
        } else if (claimed.has(key)) {
          out.push(diagnosticAt(where, 'choice-overlap', `${item} is already an alternative in ${claimed.get(key)}`,
            'a combination belongs to one alternative of one choice: remove the repeat'));
        }
        claimed.set(key, `choice ${c.id} (${alt.name})`);
        return key;
      });
    }
    if (c.alternatives.some((a) => a.name === 'all')) {
      const alt = c.alternatives.find((a) => a.name === 'all')!;
      out.push(diagnosticAt({ ...alt.place, key: true }, 'bad-value', 'an alternative may not be named "all"', '"all" is how a default allows every alternative: choose another name'));
    }
    const names = c.alternatives.map((a) => a.name);
    const listed = Array.isArray(((c.place.file.data as Obj).choices as Record<string, Obj>)[c.id]!.default);
    (c.default ?? []).forEach((d, i) => {
      if (!names.includes(d)) {
        const where = listed ? at('default', i) : at('default');
        out.push(diagnosticAt(where, 'unknown-alternative', `choice ${c.id} has no alternative "${d}"`, didYouMean(d, names, `write all, or one of ${names.join(', ')}`)));
      }
    });
  }
  return out;
}

/** A combination key as people write it: "H0043 U3". */
export function showCombination(key: string): string {
  return key.replace(/:/g, ' ');
}

/** A choice as a bundle holds it (runtime/profile.js): the severity settled, places dropped. */
export interface ChoicePlan {
  id: string;
  title: string;
  category: string;
  severity: 'error' | 'warning';
  cite: string;
  default: string[] | null;
  alternatives: { name: string; label: string; combinations: string[] }[];
}

/** The choices of a checked rule set, as the plan and the bundle hold them. */
export function choicesPlan(rs: { choices: ReadonlyMap<string, PlanChoice>; categories: ReadonlyMap<string, { severity: 'error' | 'warning' }> }): ChoicePlan[] {
  return [...rs.choices.values()].map((c) => ({
    id: c.id, title: c.title, category: c.category,
    severity: c.severity ?? rs.categories.get(c.category)?.severity ?? 'error',
    cite: c.cite, default: c.default,
    alternatives: c.alternatives.map((a) => ({ name: a.name, label: a.label, combinations: [...a.combinations] })),
  }));
}
