/**
 * A rule set seen as comparable items: each section (catalogue entries by
 * combination, rules by id, dates, modifiers, sets, ...) maps an item's key to
 * its label and its fields as display text. The diff compares these; a field
 * that is null is absent.
 */
import { bandingText, ruleWords } from '../docs/words.ts';
import type { RuleSet, ServiceEntry, Value } from '../model.ts';
import { baseName, conditionText, dayText, messageText, showCombination, sourceExpr } from './text-of.ts';

/** One item of a section: its key, how it is named, the heading it sits under (for entries: the program), its fields. */
export interface Item {
  key: string;
  label: string;
  group: string | null;
  fields: Record<string, string | null>;
  /** How the item reads in words, for people (not compared: a rule's words name its sets' items, which change on their own). */
  summary?: string;
}

/** The kinds of item a rule set holds, in the order a diff lists them. */
export type SectionKey = 'guidance' | 'entries' | 'rules' | 'dates' | 'modifiers' | 'sets' | 'categories' | 'bandings' | 'unitBases' | 'attributes' | 'groups' | 'delivery';

/** A section: its key, its title, and its items in the rule set's order. */
export interface Section { key: SectionKey; title: string; items: Item[] }

const show = (v: Value | undefined): string | null => (v === null || v === undefined ? null : Array.isArray(v) ? v.map(String).join(', ') : String(v));

/** An entry's own wording for a way of delivery ("telehealth" → "ECM Phone/Telehealth: …"), where the rule set gives one. */
export function deliveryDescriptions(e: ServiceEntry): ReadonlyMap<string, string> {
  return (e as ServiceEntry & { deliveryDescriptions?: ReadonlyMap<string, string> }).deliveryDescriptions ?? new Map();
}

/** Every section of a rule set, with its items. */
export function sectionsOf(rs: RuleSet): Section[] {
  const g = rs.guidance;
  const unitLabel = (u: string) => rs.unitBases.get(u)?.label ?? u;
  return [
    {
      key: 'guidance', title: 'Guidance',
      items: [{
        key: 'guidance', label: 'the guidance', group: null,
        fields: { title: g.title, published: g.published, 'compliance date': g.appliesFrom, extends: baseName(rs), cite: g.cite },
      }],
    },
    {
      key: 'entries', title: 'Catalogue',
      items: rs.entries.map((e) => ({
        key: e.combination,
        label: showCombination(e.code, e.modifiers),
        group: e.program,
        fields: {
          service: e.service, program: e.program, description: e.description,
          ...Object.fromEntries([...deliveryDescriptions(e)].map(([d, text]) => [`description (${d})`, text])),
          unit: unitLabel(e.unit),
          ...Object.fromEntries([...e.attributes].map(([k, v]) => [k, show(v)])),
          'in force from': dayText(e.effective), 'retired from': dayText(e.retired),
          'delivery modifiers': e.deliveryAllowed && rs.delivery.modifiers.size ? [...rs.delivery.modifiers].map(([m, d]) => `${m} (${d})`).join(', ') : 'none',
          cite: e.cite,
        },
      })),
    },
    {
      key: 'rules', title: 'Rules',
      items: rs.rules.map((r) => ({
        key: r.id, label: r.id, group: null, summary: ruleWords(rs, r),
        fields: {
          category: r.category, severity: r.severity, check: r.check, over: r.over,
          condition: r.check ? null : conditionText(r),
          message: r.check === 'record' ? null : messageText(r),
          'applies from': dayText(r.effective), 'no longer applies from': dayText(r.retired), 'enforced from': dayText(r.enforcedFrom),
          cite: r.cite,
        },
      })),
    },
    {
      key: 'dates', title: 'Dates',
      items: [...rs.dates.values()].map((d) => ({ key: d.name, label: d.name, group: null, fields: { date: d.date, note: d.note || null, cite: d.cite } })),
    },
    {
      key: 'modifiers', title: 'Modifiers',
      items: [...rs.modifiers].map(([name, m]) => ({ key: name, label: name, group: null, fields: { meaning: m.meaning, cite: m.cite } })),
    },
    {
      key: 'sets', title: 'Sets',
      items: [...rs.sets.values()].map((s) => ({ key: s.name, label: s.name, group: null, fields: { items: s.items.map(String).join(', '), cite: s.cite } })),
    },
    {
      key: 'categories', title: 'Finding categories',
      items: [...rs.categories].map(([name, c]) => ({ key: name, label: name, group: null, fields: { severity: c.severity, description: c.description || null } })),
    },
    {
      key: 'bandings', title: 'Bandings',
      items: [...rs.bandings.values()].map((b) => ({ key: b.name, label: b.name, group: null, fields: { bands: bandingText(b), cite: b.cite } })),
    },
    {
      key: 'unitBases', title: 'Unit bases',
      items: [...rs.unitBases.values()].map((u) => ({
        key: u.name, label: u.name, group: null,
        fields: { label: u.label, 'billable units': u.billableUnits ? sourceExpr(u.billableUnits.place) : null, cite: u.cite },
      })),
    },
    {
      key: 'attributes', title: 'Attributes',
      items: [...rs.attributes.values()].map((a) => ({
        key: a.name, label: a.name, group: null,
        fields: { type: a.type, values: a.values ? a.values.join(', ') : null, 'shown in results': a.result ? 'yes' : 'no', description: a.description || null },
      })),
    },
    {
      key: 'groups', title: 'Groups',
      items: [...rs.groups.values()].map((gr) => ({
        key: gr.name, label: gr.name, group: null,
        fields: { key: gr.key.join(', '), 'per day': gr.perDay ? 'yes' : 'no', description: gr.description || null },
      })),
    },
    {
      key: 'delivery', title: 'Delivery',
      items: [
        { key: '(default)', label: 'default delivery', group: null, fields: { delivery: rs.delivery.default } },
        ...[...rs.delivery.modifiers].map(([mod, d]) => ({ key: mod, label: `delivery modifier ${mod}`, group: null, fields: { delivery: d } })),
      ],
    },
  ];
}
