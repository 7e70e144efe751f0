/**
 * What changed between two editions: catalogue entries by combination, rules
 * by id, dates, modifiers, sets, categories and the other declarations by
 * name — added, removed and changed, field by field. Citation changes are
 * kept apart, as the guidance's own Appendix A keeps editorial corrections
 * apart from substantive ones. Works on any two checked rule sets.
 */
import type { RuleSet } from '../model.ts';
import { sectionsOf, type Item, type SectionKey } from './items.ts';

/** One field of an item that differs: its value before and after (null: absent). */
export interface FieldChange { field: string; before: string | null; after: string | null }

/** An item present in both editions whose fields differ. */
export interface ChangedItem { key: string; label: string; group: string | null; changes: FieldChange[] }

/** The changes of one section. `changed` excludes items whose only change is their citation (see {@link EditionDiff.citations}). */
export interface SectionDiff {
  key: SectionKey;
  title: string;
  added: Item[];
  removed: Item[];
  changed: ChangedItem[];
}

/** An item whose citation alone changed. */
export interface CitationChange { section: SectionKey; key: string; label: string; before: string | null; after: string | null }

/** Which edition a side of the diff is. */
export interface EditionName { guidance: string; version: string; title: string; published: string; appliesFrom: string }

/** The difference between two editions, as data; see printers in print.ts. */
export interface EditionDiff {
  from: EditionName;
  to: EditionName;
  /** Sections with at least one change, in the order of {@link sectionsOf}. */
  sections: SectionDiff[];
  /** Items whose only change is their citation, in section order. */
  citations: CitationChange[];
  /** Examples in the rule files, before and after (not part of the guidance; shown as a count). */
  examples: { before: number; after: number };
}

function nameOf(rs: RuleSet): EditionName {
  const g = rs.guidance;
  return { guidance: g.id, version: g.version, title: g.title, published: g.published, appliesFrom: g.appliesFrom };
}

/** The fields of two versions of an item that differ, in the order the fields are declared (after's new fields last). */
export function fieldChanges(a: Item, b: Item): FieldChange[] {
  const names = [...new Set([...Object.keys(a.fields), ...Object.keys(b.fields)])];
  return names
    .map((field) => ({ field, before: a.fields[field] ?? null, after: b.fields[field] ?? null }))
    .filter((c) => c.before !== c.after);
}

/** Compare two checked rule sets: what `b` adds, removes and changes relative to `a`. */
export function diffRuleSets(a: RuleSet, b: RuleSet): EditionDiff {
  const before = sectionsOf(a);
  const after = sectionsOf(b);
  const sections: SectionDiff[] = [];
  const citations: CitationChange[] = [];
  for (let s = 0; s < after.length; s++) {
    const sa = before[s]!;
    const sb = after[s]!;
    const inA = new Map(sa.items.map((i) => [i.key, i]));
    const inB = new Map(sb.items.map((i) => [i.key, i]));
    const diff: SectionDiff = { key: sb.key, title: sb.title, added: [], removed: [], changed: [] };
    for (const item of sb.items) {
      const old = inA.get(item.key);
      if (!old) {
        diff.added.push(item);
        continue;
      }
      const changes = fieldChanges(old, item);
      if (changes.length === 1 && changes[0]!.field === 'cite') {
        citations.push({ section: sb.key, key: item.key, label: item.label, before: changes[0]!.before, after: changes[0]!.after });
      } else if (changes.length > 0) {
        diff.changed.push({ key: item.key, label: item.label, group: item.group, changes });
      }
    }
    diff.removed = sa.items.filter((i) => !inB.has(i.key));
    if (diff.added.length || diff.removed.length || diff.changed.length) sections.push(diff);
  }
  return { from: nameOf(a), to: nameOf(b), sections, citations, examples: { before: a.examples.length, after: b.examples.length } };
}

/** True when the two editions state the same guidance (examples aside). */
export function isEmptyDiff(d: EditionDiff): boolean {
  return d.sections.length === 0 && d.citations.length === 0;
}
