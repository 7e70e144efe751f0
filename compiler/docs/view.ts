/**
 * One edition as an analyst reads it, as plain data both page printers (HTML
 * and Markdown) lay out: the code tables grouped like the guidance (program,
 * then service heading), each rule in words with its citation, dates and the
 * examples that show it, and the changes from the edition it extends.
 */
import { interpret } from '../interpret.ts';
import type { Example, RuleSet } from '../model.ts';
import { diffRuleSets, type EditionDiff } from '../diff/diff.ts';
import { conditionText, dayText, messageText, namedDayText, showCombination, valueAt } from '../diff/text-of.ts';
import { deliveryDescriptions } from '../diff/items.ts';
import { ruleWords, words } from './words.ts';

/** One row of a code table: a catalogue entry. */
export interface EntryRow {
  combination: string;
  code: string;
  modifiers: string;
  description: string;
  /** The entry's own wording for other ways of delivery: [delivery, description]. */
  byDelivery: [string, string][];
  unit: string;
  /** Declared attributes with a value other than their default, as [name in words, value]. */
  attributes: [string, string][];
  dates: string;
  telehealth: string;
  cite: string;
}

/** A service heading and its rows. */
export interface ServiceTable { service: string; rows: EntryRow[] }

/** A program and its service headings, in catalogue order. */
export interface ProgramTables { program: string; services: ServiceTable[] }

/** An example as the docs show it: its lines in short and what is expected of each. */
export interface ExampleView { name: string; cite: string | null; lines: { line: string; expect: string }[] }

/** A rule in words. */
export interface RuleView {
  id: string;
  category: string;
  severity: string;
  words: string;
  /** The condition as written (null for built-in checks). */
  condition: string | null;
  message: string | null;
  dates: string[];
  cite: string | null;
  examples: ExampleView[];
}

/** Everything a docs page shows. */
export interface EditionView {
  rs: RuleSet;
  tables: ProgramTables[];
  rules: RuleView[];
  /** Examples that show no rule's finding (accepted lines, out-of-scope codes). */
  otherExamples: ExampleView[];
  /** The changes from the base edition, when it extends one that could be loaded. */
  changes: EditionDiff | null;
  /** The base edition it names but that is not in the folder. */
  missingBase: string | null;
}

/** The code tables: entries grouped by program, then by service, in the order the catalogue first names them. */
export function catalogueTables(rs: RuleSet): ProgramTables[] {
  const programs = new Map<string, Map<string, EntryRow[]>>();
  for (const e of rs.entries) {
    const services = programs.get(e.program) ?? new Map<string, EntryRow[]>();
    programs.set(e.program, services);
    const rows = services.get(e.service) ?? [];
    services.set(e.service, rows);
    const attributes: [string, string][] = [];
    for (const [name, v] of e.attributes) {
      if (v === null || v === false) continue;
      attributes.push([words(name), v === true ? 'yes' : Array.isArray(v) ? v.join(', ') : String(v)]);
    }
    const from = namedDayText(rs, e.effective);
    const until = dayText(e.retired);
    rows.push({
      combination: e.combination,
      code: e.code,
      modifiers: e.modifiers.length ? e.modifiers.join(', ') : 'no modifiers',
      description: e.description,
      byDelivery: [...deliveryDescriptions(e)],
      unit: rs.unitBases.get(e.unit)?.label ?? e.unit,
      attributes,
      dates: [from ? `from ${from}` : 'always', until ? `until ${until} (retired)` : ''].filter(Boolean).join(', '),
      telehealth: e.deliveryAllowed && rs.delivery.modifiers.size ? [...rs.delivery.modifiers.keys()].join(', ') : 'not allowed',
      cite: e.cite ?? '',
    });
  }
  return [...programs].map(([program, services]) => ({ program, services: [...services].map(([service, rows]) => ({ service, rows })) }));
}

/** A value of an example line as written: numbers plain, anything else as JSON (so "2", the text, differs from 2). */
function show(v: unknown): string {
  return typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v));
}

/** A line of an example in short: "T2040 U6 · 2024-04-01 · 7 minutes · 1 unit". */
export function lineShort(line: unknown, showMember: boolean): string {
  if (line === null || typeof line !== 'object') return JSON.stringify(line) ?? String(line);
  const l = line as Record<string, unknown>;
  const mods = Array.isArray(l.modifiers) ? l.modifiers.map(String) : [];
  const parts = [l.procedureCode !== undefined ? showCombination(typeof l.procedureCode === 'string' ? l.procedureCode : show(l.procedureCode), mods) : '(no code)'];
  if (l.modifiers !== undefined && l.modifiers !== null && !Array.isArray(l.modifiers)) parts.push(`modifiers ${show(l.modifiers)}`);
  if (l.serviceDate !== undefined) parts.push(l.serviceDateEnd !== undefined ? `${String(l.serviceDate)} to ${String(l.serviceDateEnd)}` : String(l.serviceDate));
  if (l.minutes !== undefined) parts.push(typeof l.minutes === 'number' ? `${l.minutes} minutes` : `minutes ${show(l.minutes)}`);
  if (l.units !== undefined) parts.push(typeof l.units === 'number' ? `${l.units} unit${l.units === 1 ? '' : 's'}` : `units ${show(l.units)}`);
  if (l.amount !== undefined) parts.push(`amount ${show(l.amount)}`);
  if (l.placeOfService !== undefined) parts.push(`place of service ${show(l.placeOfService)}`);
  if (l.staffCredential !== undefined) parts.push(`credential ${show(l.staffCredential)}`);
  if (showMember && l.memberId !== undefined) parts.push(`member ${show(l.memberId)}`);
  return parts.join(' · ');
}

function exampleView(ex: Example): ExampleView {
  const cite = valueAt({ ...ex.place, path: [...ex.place.path, 'cite'] });
  const members = new Set(ex.lines.map((l) => (l && typeof l === 'object' ? (l as Record<string, unknown>).memberId : undefined)));
  return {
    name: ex.name,
    cite: typeof cite === 'string' ? cite : null,
    lines: ex.lines.map((l, i) => {
      const want = ex.expect[i];
      const expect = want ? `${want.status}${want.findings?.length ? `: ${want.findings.join(', ')}` : ''}` : '';
      return { line: lineShort(l, members.size > 1), expect };
    }),
  };
}

/** The rules in words, each with the examples whose lines get its finding (judged by the reference interpreter). */
export function rulesView(rs: RuleSet): { rules: RuleView[]; otherExamples: ExampleView[] } {
  const byRule = new Map<string, ExampleView[]>();
  const other: ExampleView[] = [];
  for (const ex of rs.examples) {
    const fired = new Set(interpret([rs], ex.lines).flatMap((r) => r.findings.map((f) => f.rule)));
    const view = exampleView(ex);
    if (fired.size === 0) other.push(view);
    for (const id of fired) byRule.set(id, [...(byRule.get(id) ?? []), view]);
  }
  const rules = rs.rules.map((r): RuleView => ({
    id: r.id,
    category: r.category,
    severity: r.severity,
    words: ruleWords(rs, r),
    condition: r.check ? null : conditionText(r),
    message: r.check === 'record' ? null : messageText(r),
    dates: [
      r.effective !== null ? `applies to dates of service from ${namedDayText(rs, r.effective)}` : '',
      r.retired !== null ? `no longer applies from ${namedDayText(rs, r.retired)}` : '',
      r.enforcedFrom !== null ? `until ${namedDayText(rs, r.enforcedFrom)} its findings are warnings that name that date; from then, ${r.severity}s` : '',
    ].filter(Boolean),
    cite: r.cite,
    examples: byRule.get(r.id) ?? [],
  }));
  return { rules, otherExamples: other };
}

/** The whole view of an edition; `base` is the edition it extends, when loaded. */
export function editionView(rs: RuleSet, base: RuleSet | null, missingBase: string | null): EditionView {
  const { rules, otherExamples } = rulesView(rs);
  return { rs, tables: catalogueTables(rs), rules, otherExamples, changes: base ? diffRuleSets(base, rs) : null, missingBase };
}
