/**
 * Editions that extend each other. An edition folder states only what it adds (ordinary sections),
 * changes (`changes:`, field by field) and removes (`removes:`) relative to the edition it `extends`.
 * Declarations are first collected as raw fields that remember, field by field, the place that last
 * defined them; an extending edition is applied over its base's declarations; the loader then reads the
 * result as one complete rule set (load.ts). So a field changed in a later edition points into that
 * edition's file, and an unchanged one still points into the base's.
 */
import { combinationKey, isCodePattern, patternKey } from './codes.ts';
import { didYouMean, type Diagnostic } from './diagnostics.ts';
import { diagnosticAt, sourceText, type Place, type SourceFile } from './source.ts';

type Obj = Record<string, unknown>;

/** The sections whose items are named (a mapping of name → declaration). */
export const NAMED_SECTIONS = ['dates', 'modifiers', 'sets', 'bandings', 'unitBases', 'groups', 'attributes', 'categories'] as const;
export type NamedSection = (typeof NAMED_SECTIONS)[number];

/** The field that says what a named item is: the item's place is the place of the declaration that gave it. */
const DEFINING_FIELD: Record<NamedSection, string> = {
  dates: 'date', modifiers: 'meaning', sets: 'items', bandings: 'bands', unitBases: 'label', groups: 'key', attributes: 'type', categories: 'severity',
};

/** One declaration as written: its fields, and for each field the place that last defined it. */
export interface Decl {
  /** The item's name: a named section's key, an entry's combination, a rule's id. */
  name: string;
  fields: Obj;
  places: Map<string, Place>;
  /** Where the item is declared (for an item a later edition redefined wholesale, there). */
  place: Place;
}

/** Every declaration of an edition (its own, or resolved over its base). */
export interface Declarations {
  named: Record<NamedSection, Map<string, Decl>>;
  delivery: Decl | null;
  entries: Decl[];
  rules: Decl[];
}

/** The place of one field of a declaration (where it was last defined). */
export function fieldAt(d: Decl, field: string): Place {
  return d.places.get(field) ?? { ...d.place, path: [...d.place.path, field] };
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function declOf(name: string, value: Obj, place: Place): Decl {
  const places = new Map<string, Place>();
  for (const k of Object.keys(value)) places.set(k, { ...place, path: [...place.path, k] });
  return { name, fields: { ...value }, places, place };
}

/** Fields over a declaration: each given field replaces the old one and now points at `place`. */
function overlay(d: Decl, value: Obj, place: Place, skip: readonly string[] = []): Decl {
  const fields = { ...d.fields };
  const places = new Map(d.places);
  for (const [k, v] of Object.entries(value)) {
    if (skip.includes(k)) continue;
    fields[k] = v;
    places.set(k, { ...place, path: [...place.path, k] });
  }
  return { ...d, fields, places };
}

function emptyNamed(): Record<NamedSection, Map<string, Decl>> {
  return Object.fromEntries(NAMED_SECTIONS.map((s) => [s, new Map<string, Decl>()])) as Record<NamedSection, Map<string, Decl>>;
}

/** The code of a catalogue entry as written (a CPT code written unquoted is a number to YAML; 00100 even loses its zeros). */
function codeOf(value: unknown, place: Place): string {
  return typeof value === 'number' ? sourceText(place).trim() : String(value);
}

/** The declarations the files of one edition state themselves (additions), reporting names declared twice. */
export function collectDeclarations(files: readonly SourceFile[], diagnostics: Diagnostic[]): Declarations {
  const named = emptyNamed();
  for (const section of NAMED_SECTIONS) {
    for (const file of files) {
      const data = isObj(file.data) ? file.data[section] : undefined;
      if (!isObj(data)) continue;
      for (const [name, value] of Object.entries(data)) {
        const place: Place = { file, path: [section, name] };
        const first = named[section].get(name);
        if (first) {
          diagnostics.push(diagnosticAt({ ...place, key: true }, 'duplicate-name', `${section} "${name}" is already declared in ${first.place.file.path}`, 'rename one of them or remove the repeat'));
          continue;
        }
        named[section].set(name, declOf(name, value as Obj, place)); // the schema has checked it is a mapping
      }
    }
  }
  let delivery: Decl | null = null;
  for (const file of files) {
    const d = isObj(file.data) ? file.data.delivery : undefined;
    if (isObj(d)) delivery = declOf('delivery', d, { file, path: ['delivery'] });
  }
  const entries: Decl[] = [];
  const rules: Decl[] = [];
  for (const file of files) {
    const data = isObj(file.data) ? file.data : {};
    if (Array.isArray(data.catalogue)) {
      data.catalogue.forEach((svc: Obj, i: number) => {
        const svcPlace: Place = { file, path: ['catalogue', i] };
        (svc.entries as Obj[]).forEach((e, j) => {
          const place: Place = { file, path: ['catalogue', i, 'entries', j] };
          const { entries: _, ...inherited } = svc;
          let d = overlay(declOf('', inherited, svcPlace), e, place);
          d = { ...d, place };
          d.fields.code = codeOf(e.code, { ...place, path: [...place.path, 'code'] });
          d.name = combinationKey(String(d.fields.code), (e.modifiers as unknown[]).map(String));
          entries.push(d);
        });
      });
    }
    if (Array.isArray(data.rules)) {
      data.rules.forEach((r: Obj, i: number) => rules.push(declOf(String(r.id), r, { file, path: ['rules', i] })));
    }
  }
  return { named, delivery, entries, rules };
}

/** Keys a change of a catalogue entry may give besides the entry's attributes. */
const ENTRY_CHANGE_KEYS = ['combination', 'service', 'program', 'description', 'deliveryDescriptions', 'unit', 'effective', 'retired', 'delivery', 'cite'];

/**
 * An edition over its base: the base's declarations, minus what the edition removes, with what it
 * changes, plus what it adds. Diagnostics: `change-missing` (changing or removing what the base lacks),
 * `already-defined` (adding what the base has), `unknown-key` (a changed entry field that is no entry field
 * or declared attribute).
 */
export function extendDeclarations(base: Declarations | null, own: Declarations, files: readonly SourceFile[], diagnostics: Diagnostic[]): Declarations {
  const out: Declarations = {
    named: Object.fromEntries(NAMED_SECTIONS.map((s) => [s, new Map(base?.named[s] ?? [])])) as Declarations['named'],
    delivery: base?.delivery ?? null,
    entries: [...(base?.entries ?? [])],
    rules: [...(base?.rules ?? [])],
  };
  const missing = (place: Place, what: string, name: string, known: Iterable<string>) => {
    const hint = base === null ? 'this edition extends no edition: add `extends: "<edition>"` to its guidance section, or state it as an ordinary declaration'
      : didYouMean(name, known, `the edition it extends has no such ${what}: state it as an addition (an ordinary section) instead`);
    diagnostics.push(diagnosticAt(place, 'change-missing', base === null ? `there is no base edition whose ${what} "${name}" could change` : `the base edition has no ${what} "${name}"`, hint));
  };

  // 1. Removals.
  for (const file of files) {
    const removes = isObj(file.data) && isObj(file.data.removes) ? file.data.removes : null;
    if (!removes) continue;
    for (const [section, list] of Object.entries(removes)) {
      (list as unknown[]).forEach((item, k) => {
        const place: Place = { file, path: ['removes', section, k] };
        const name = String(item);
        if (section === 'entries') {
          const key = isCodePattern(name) ? patternKey(name) : name;
          const before = out.entries.length;
          out.entries = out.entries.filter((e) => e.name !== key);
          if (out.entries.length === before) missing(place, 'catalogue entry', name, new Set(out.entries.map((e) => e.name)));
        } else if (section === 'rules') {
          const before = out.rules.length;
          out.rules = out.rules.filter((r) => r.name !== name);
          if (out.rules.length === before) missing(place, 'rule', name, out.rules.map((r) => r.name));
        } else {
          const map = out.named[section as NamedSection];
          if (!map.delete(name)) missing(place, singular(section), name, map.keys());
        }
      });
    }
  }

  // 2. Changes, field by field.
  const attributes = new Set([...out.named.attributes.keys(), ...own.named.attributes.keys()]);
  for (const file of files) {
    const changes = isObj(file.data) && isObj(file.data.changes) ? file.data.changes : null;
    if (!changes) continue;
    for (const [section, value] of Object.entries(changes)) {
      if (section === 'entries') {
        (value as Obj[]).forEach((c, k) => {
          const place: Place = { file, path: ['changes', 'entries', k] };
          const name = String(c.combination);
          const key = isCodePattern(name) ? patternKey(name) : name;
          for (const field of Object.keys(c)) {
            if (ENTRY_CHANGE_KEYS.includes(field) || attributes.has(field)) continue;
            const known = [...ENTRY_CHANGE_KEYS, ...attributes];
            diagnostics.push(diagnosticAt({ ...place, path: [...place.path, field], key: true }, 'unknown-key', `unknown key "${field}" in this entry change`,
              field === 'code' || field === 'modifiers' ? 'an entry change names its entry by combination; to change the code or modifiers, remove the entry and add a new one' : didYouMean(field, known, `allowed here: ${known.join(', ')}`)));
          }
          let found = false;
          out.entries = out.entries.map((e) => (e.name === key ? ((found = true), overlay(e, c, place, ['combination'])) : e));
          if (!found) missing({ ...place, path: [...place.path, 'combination'] }, 'catalogue entry', name, new Set(out.entries.map((e) => e.name)));
        });
      } else if (section === 'rules') {
        (value as Obj[]).forEach((c, k) => {
          const place: Place = { file, path: ['changes', 'rules', k] };
          const name = String(c.id);
          const i = out.rules.findIndex((r) => r.name === name);
          if (i < 0) missing({ ...place, path: [...place.path, 'id'] }, 'rule', name, out.rules.map((r) => r.name));
          else out.rules[i] = overlay(out.rules[i]!, c, place, ['id']);
        });
      } else if (section === 'delivery') {
        const place: Place = { file, path: ['changes', 'delivery'] };
        if (out.delivery === null) missing({ ...place, key: true }, 'section', 'delivery', []);
        else out.delivery = overlay(out.delivery, value as Obj, place);
      } else {
        const map = out.named[section as NamedSection];
        for (const [name, c] of Object.entries(value as Obj)) {
          const place: Place = { file, path: ['changes', section, name] };
          const old = map.get(name);
          if (!old) { missing({ ...place, key: true }, singular(section), name, map.keys()); continue; }
          const changed = overlay(old, c as Obj, place);
          // The item now is where its defining field was last given.
          if ((c as Obj)[DEFINING_FIELD[section as NamedSection]] !== undefined) changed.place = place;
          map.set(name, changed);
        }
      }
    }
  }

  // 3. Additions: ordinary sections. Adding what the base already has is a mistake; a change says it.
  const already = (place: Place, what: string, name: string, where: Place, section: string) =>
    diagnostics.push(diagnosticAt(place, 'already-defined', `${what} "${name}" is already defined by the base edition (${where.file.path})`,
      `to change it, write it under changes: ${section}: in this edition (only the fields that change)`));
  for (const section of NAMED_SECTIONS) {
    for (const [name, d] of own.named[section]) {
      const old = base?.named[section].get(name);
      if (old && out.named[section].has(name)) { already({ ...d.place, key: true }, singular(section), name, old.place, section); continue; }
      out.named[section].set(name, d);
    }
  }
  if (own.delivery) {
    if (base?.delivery && out.delivery) already({ ...own.delivery.place, key: true }, 'section', 'delivery', base.delivery.place, 'delivery');
    else out.delivery = own.delivery;
  }
  const inheritedEntries = [...out.entries];
  const inheritedRules = [...out.rules];
  for (const e of own.entries) {
    const clash = inheritedEntries.find((b) => b.name === e.name && datesOverlap(b, e, out));
    if (clash) { already(e.place, 'catalogue entry', e.name, clash.place, 'entries'); continue; }
    out.entries.push(e);
  }
  for (const r of own.rules) {
    const clash = inheritedRules.find((b) => b.name === r.name);
    if (clash) { already({ ...r.place, path: [...r.place.path, 'id'] }, 'rule', r.name, clash.place, 'rules'); continue; }
    out.rules.push(r);
  }
  return out;
}

/** Do two entries' written dates overlap (open ends, dates by name or YYYY-MM-DD, compared as written)? */
function datesOverlap(a: Decl, b: Decl, decls: Declarations): boolean {
  const day = (d: Decl, key: 'effective' | 'retired'): string | null => {
    const v = d.fields[key];
    if (typeof v !== 'string') return null;
    const named = decls.named.dates.get(v);
    return named ? String(named.fields.date) : v;
  };
  const [af, at, bf, bt] = [day(a, 'effective'), day(a, 'retired'), day(b, 'effective'), day(b, 'retired')];
  return (af === null || bt === null || af < bt) && (bf === null || at === null || bf < at);
}

function singular(section: string): string {
  return ({ dates: 'date', modifiers: 'modifier', sets: 'set', bandings: 'banding', unitBases: 'unit basis', groups: 'group', attributes: 'attribute', categories: 'category' } as Record<string, string>)[section] ?? section;
}
