/**
 * The checked rule set: what the loader builds from the rule files and the
 * checks, the emitter and the reference interpreter read. Names follow the
 * guidance (ServiceEntry, Banding, Group, ...). Every declaration keeps the
 * {@link Place} it came from, so later phases can report against it.
 */
import type { Expr } from '../grammar/ast.ts';
import type { Place } from './source.ts';
import type { PlanChoice } from './profile/choices.ts';

/** A value of the expression language once resolved: dates are day numbers, code patterns are keys ("T2040:U6"). */
export type Value = number | string | boolean | null | readonly Value[];

/** The base types of the language; `null` is the type of the literal `null` alone. */
export type BaseType = 'number' | 'string' | 'date' | 'bool' | 'code' | 'list' | 'null';

/** A type as the resolver records it on every IR node: a base, whether null is possible, and a list's item type. */
export interface Type {
  base: BaseType;
  nullable: boolean;
  of?: Type;
}

export interface GuidanceMeta {
  id: string;
  title: string;
  version: string;
  published: string;
  appliesFrom: string;
  /** The edition this one extends (states its additions, changes and removals over), or null. */
  extends: string | null;
  cite: string;
  place: Place;
}

export interface NamedDate { name: string; date: string; day: number; note: string; cite: string | null; place: Place }
export interface NamedSet { name: string; items: Value[]; itemType: 'string' | 'number' | 'code'; cite: string | null; place: Place }

/** Minutes → units: contiguous bands, then optionally one more unit every `every` minutes. */
export interface Banding {
  name: string;
  bands: { from: number; to: number; units: number; place: Place }[];
  every: number | null;
  cite: string | null;
  place: Place;
}

/** A unit basis; `E` is the expression form (source text while loading, {@link CheckedExpr} once resolved). */
export interface UnitBasis<E = CheckedExpr> { name: string; label: string; billableUnits: E | null; cite: string | null; place: Place }

/** How cross-line rules see other lines: lines sharing `key` fields (and, per day, a day they cover). */
export interface Group { name: string; key: string[]; perDay: boolean; description: string; place: Place }

/**
 * An attribute of catalogue entries that the rule set declares (`attributes:`), e.g.
 * `staff: { values: [clinical, non-clinical] }` or `outreach: { type: boolean }`.
 * The compiler knows no attribute by name.
 */
export interface AttributeDecl {
  name: string;
  /** `bool` attributes default to false; `string` and `number` ones to null. */
  type: 'bool' | 'string' | 'number';
  /** The values a `string` attribute may take, when they are listed. */
  values: string[] | null;
  /** Shown in every line's result and by classify(). */
  result: boolean;
  description: string;
  place: Place;
}

/** One code + defining-modifier combination of the catalogue. */
export interface ServiceEntry {
  /** Position in the catalogue (stable, used by the emitter). */
  index: number;
  /** Code and sorted defining modifiers joined by ":" — the `combination` value, e.g. "G9008:U1". */
  combination: string;
  code: string;
  modifiers: string[];
  program: string;
  service: string;
  description: string;
  /**
   * The entry's own wording for a way of delivery (`telehealth` → "ECM Phone/Telehealth: …"): a line
   * delivered so shows it as its `description`, and classify() returns it.
   */
  deliveryDescriptions?: ReadonlyMap<string, string>;
  unit: string;
  /** The declared attributes' values for this entry (every declared attribute, defaults filled in). */
  attributes: ReadonlyMap<string, Value>;
  /** First day in force (day number), or null for always. */
  effective: number | null;
  /** First day no longer in force (day number), or null for never. */
  retired: number | null;
  /** May delivery modifiers (GQ) be added? */
  deliveryAllowed: boolean;
  cite: string | null;
  place: Place;
  /** Where each field was last defined (an edition's change points into its own file). */
  fieldPlaces?: ReadonlyMap<string, Place>;
}

export type BuiltinCheck = 'record' | 'combination' | 'effective';

/** A message template while loading: the text as written, with `{expression}` parts still unparsed. */
export interface PendingTemplate { text: string; place: Place | null }

/** A message template once resolved: literal text and expressions to show. */
export type Template = ({ text: string } | { expr: IR })[];

/** `exclusive: [A, B, …]` on a rule: lines of different listed combinations may not share a group. */
export interface Exclusivity { combinations: string[]; place: Place }

/** A rule; `E` is the expression form (source text while loading, {@link CheckedExpr} once resolved). */
export interface Rule<E = CheckedExpr> {
  id: string;
  category: string;
  severity: 'error' | 'warning';
  check: BuiltinCheck | null;
  /** The group a cross-line rule is judged over, or null for a line rule. */
  over: string | null;
  /** The condition (for an exclusivity rule, the condition it stands for, once resolved). */
  when: E | null;
  exclusive: Exclusivity | null;
  message: E extends CheckedExpr ? Template : PendingTemplate;
  /** By date of service: the first day the rule applies, and the first day it no longer does (day numbers, or null). */
  effective: number | null;
  retired: number | null;
  /** A requirement with a compliance date: before this day its findings are warnings that name the date. */
  enforcedFrom: number | null;
  cite: string | null;
  place: Place;
  /** Where each field was last defined (an edition's change points into its own file). */
  fieldPlaces?: ReadonlyMap<string, Place>;
}

export interface Example {
  name: string;
  lines: unknown[];
  expect: Expectation[];
  place: Place;
}

export interface Expectation {
  status: string;
  fields: Record<string, unknown>;
  findings: string[] | null;
}

/** Expression text as written in a rule file, waiting to be parsed and resolved. */
export interface PendingExpr { text: string; place: Place }

/** An expression after name resolution and type checking. */
export interface CheckedExpr {
  ir: IR;
  place: Place;
}

/** Aggregates: how a cross-line condition looks at the other lines of a group. */
export type AggregateKind = 'any' | 'count' | 'sum';

/**
 * The resolved expression tree every back end reads. Every node carries the
 * type the resolver gave it; no back end works a type out again.
 */
export type IR = { type: Type } & (
  | { k: 'const'; v: Value }
  | { k: 'field'; name: string; of: 'this' | 'other' }
  | { k: 'not' | 'neg' | 'whole' | 'floor' | 'year' | 'month'; x: IR }
  | { k: 'and' | 'or'; a: IR; b: IR }
  | { k: 'eq' | 'ne'; a: IR; b: IR }
  | { k: 'lt' | 'le' | 'gt' | 'ge'; a: IR; b: IR }
  | { k: 'in'; a: IR; b: IR }
  | { k: 'add' | 'sub' | 'mul' | 'div'; a: IR; b: IR }
  | { k: 'list'; items: IR[] }
  | { k: 'if'; cond: IR; then: IR; else: IR }
  | { k: 'band'; banding: string; x: IR }
  | { k: 'any' | 'count'; group: string; pred: IR }
  | { k: 'sum'; group: string; x: IR }
);

/** An IR node of one kind (or of some kinds). */
export type IRNode<K extends IR['k']> = IR & { k: K };

/** An IR node before the resolver gives it its type. */
export type UntypedIR = IR extends infer U ? (U extends unknown ? Omit<U, 'type'> : never) : never;

/** A checked rule set; `E` is the expression form, as for {@link Rule}. */
export interface RuleSet<E = CheckedExpr> {
  guidance: GuidanceMeta;
  dates: Map<string, NamedDate>;
  modifiers: Map<string, { meaning: string; cite: string | null; place: Place }>;
  delivery: { default: string; modifiers: Map<string, string> };
  sets: Map<string, NamedSet>;
  bandings: Map<string, Banding>;
  unitBases: Map<string, UnitBasis<E>>;
  groups: Map<string, Group>;
  attributes: Map<string, AttributeDecl>;
  entries: ServiceEntry[];
  categories: Map<string, { severity: 'error' | 'warning'; description: string; place: Place }>;
  /** Where the guidance lets a plan choose among alternatives (a plan profile selects). */
  choices: Map<string, PlanChoice>;
  rules: Rule<E>[];
  examples: Example[];
  /** sha-256 of the rule files' names and bytes. */
  sourceHash: string;
}

/** The place of a field of an entry or rule: where it was last defined, else below the item's own place. */
export function placeOfField(item: { place: Place; fieldPlaces?: ReadonlyMap<string, Place> }, ...path: (string | number)[]): Place {
  const [first, ...rest] = path;
  const at = first === undefined ? undefined : item.fieldPlaces?.get(String(first));
  return at ? { ...at, path: [...at.path, ...rest] } : { ...item.place, path: [...item.place.path, ...path] };
}

/** Fields of a classified line that come from its catalogue entry, besides its declared attributes. */
export const ENTRY_FIELDS = ['combination', 'program', 'service', 'delivery', 'unit', 'description'] as const;
export type EntryField = (typeof ENTRY_FIELDS)[number];

/** One way to write a catalogue entry on a line: its defining modifiers, plus a delivery modifier or not. */
export interface Variant { entry: ServiceEntry; modifiers: string[]; delivery: string }

/** Every way a line can write each entry: without a delivery modifier, and with each one the entry allows. */
export function variantsOf(rs: Pick<RuleSet, 'entries' | 'delivery'>): Variant[] {
  return rs.entries.flatMap((entry) => [
    { entry, modifiers: entry.modifiers, delivery: rs.delivery.default },
    ...(entry.deliveryAllowed ? [...rs.delivery.modifiers].map(([mod, delivery]) => ({ entry, modifiers: [...entry.modifiers, mod], delivery })) : []),
  ]);
}

/** Is a value of this type a date, or a list of dates (shown as YYYY-MM-DD)? */
export function isDateValued(t: Type): boolean {
  return t.base === 'date' || (t.base === 'list' && t.of?.base === 'date');
}

/** An entry's description for a way of delivery: its own wording for it (`deliveryDescriptions`), else its description. */
export function descriptionOf(e: Pick<ServiceEntry, 'description' | 'deliveryDescriptions'>, delivery: string | null): string {
  return (delivery !== null ? e.deliveryDescriptions?.get(delivery) : undefined) ?? e.description;
}

/** The fields of a line that a variant fixes: constants when its rules are specialised. */
export function variantConstants(v: Variant): Map<string, Value> {
  const e = v.entry;
  return new Map<string, Value>([
    ['procedureCode', e.code], ['combination', e.combination], ['program', e.program], ['service', e.service], ['delivery', v.delivery],
    ['unit', e.unit], ['description', descriptionOf(e, v.delivery)], ...e.attributes,
  ]);
}
