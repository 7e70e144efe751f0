/**
 * Random well-typed expressions and random input lines for a rule set, for the
 * compiler fuzzers. The generator follows the type rules of docs/semantics.md:
 * conditions (operands of and/or/not, the condition of if, predicates) are
 * never nullable; every other operand may be, on either side; lists are never
 * compared with ==; enumerated fields are compared only with values they have.
 * `full` (the default) includes every feature: day arithmetic, sum(), any divisor, CPT code patterns.
 */
import fc from 'fast-check';
import { formatDay, parseDay } from '../../runtime/record.js';
import { DERIVED_FIELDS, RECORD_FIELDS } from '../../compiler/fields.ts';
import { variantsOf, type RuleSet } from '../../compiler/model.ts';

type Base = 'number' | 'string' | 'date' | 'bool' | 'combo';

/** What an expression may name: derived from a checked rule set. */
export interface ExprScope {
  fields: { name: string; t: Base | 'list'; nullable: boolean }[];
  /** Enumerated entry fields and the values entries have. */
  enums: { name: string; values: string[]; nullable: boolean }[];
  sets: { name: string; of: Base }[];
  dates: string[];
  bandings: string[];
  groups: string[];
  combos: string[];
  next: boolean;
}

/** Entry fields as expressions see them (besides the enumerated ones and the declared attributes). */
const ENTRY_TYPED: { name: string; t: Base; nullable: boolean }[] = [
  { name: 'combination', t: 'combo', nullable: false },
  { name: 'description', t: 'string', nullable: false },
];

/** The parts of a rule set that say what expressions may name. */
export type ScopeSource = Pick<RuleSet, 'delivery' | 'unitBases' | 'sets' | 'dates' | 'bandings' | 'groups' | 'attributes'> & {
  entries: readonly Pick<RuleSet['entries'][number], 'program' | 'service' | 'attributes' | 'combination'>[];
};

/** The names an expression of this rule set may use. */
export function scopeOf(rs: ScopeSource, next = true): ExprScope {
  const distinct = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => x !== null))].sort();
  const hcpcs = /^[A-Z]\d{4}/;
  return {
    fields: [
      ...RECORD_FIELDS.map((f) => ({ name: f.name, t: f.type === 'list' ? 'list' as const : f.type, nullable: !f.required && f.kind !== 'modifiers' })),
      ...DERIVED_FIELDS.map((f) => ({ name: f.name, t: f.type as Base, nullable: f.nullable })),
      ...ENTRY_TYPED,
      ...[...rs.attributes.values()].filter((a) => a.type === 'bool').map((a) => ({ name: a.name, t: 'bool' as const, nullable: false })),
    ],
    enums: [
      { name: 'program', values: distinct(rs.entries.map((e) => e.program)), nullable: false },
      { name: 'service', values: distinct(rs.entries.map((e) => e.service)), nullable: false },
      { name: 'delivery', values: distinct([rs.delivery.default, ...rs.delivery.modifiers.values()]), nullable: false },
      { name: 'unit', values: distinct([...rs.unitBases.keys()]), nullable: false },
      ...[...rs.attributes.values()].filter((a) => a.values !== null).map((a) => ({
        name: a.name, values: distinct(rs.entries.map((e) => (e.attributes.get(a.name) ?? null) as string | null)), nullable: true,
      })),
    ].filter((e) => e.values.length > 0),
    sets: [...rs.sets.values()].map((s) => ({ name: s.name, of: s.itemType === 'code' ? 'combo' as const : s.itemType })),
    dates: [...rs.dates.keys()],
    bandings: [...rs.bandings.keys()],
    groups: [...rs.groups.keys()],
    combos: rs.entries.map((e) => e.combination).filter((c) => next || hcpcs.test(c)),
    next,
  };
}

interface Want { t: Base | 'list'; of?: Base; nullable: boolean; domain: string }
interface Ctx { agg: boolean; aggregates: boolean }

const NUMBERS = ['0', '1', '2', '3', '7', '8', '15', '22', '23', '37', '0.5', '1.5', '100', '3660'];
const STRINGS = ['"RN"', '"CHW"', '"LCSW"', '"02"', '"10"', '"M1"', '"M2"', '"C1"', '"U6"', '"GQ"', '""', "'a b'"];
const DATES = ['2022-01-01', '2024-02-29', '2024-03-30', '2024-03-31', '2024-04-01', '2024-04-02', '2024-04-03', '2025-01-01'];
const FREE = 'free';

/** Random expressions over a scope: `maxDepth` levels of operators at most. */
export function expressionArb(scope: ExprScope, maxDepth = 4, aggregates = true, want?: Want): fc.Arbitrary<string> {
  const memo = new Map<string, fc.Arbitrary<string>>();
  const paren = (s: string) => `(${s})`;
  const fieldsOf = (t: Base | 'list', nullable: boolean, ctx: Ctx): string[] => scope.fields
    .filter((f) => f.t === t && (nullable || !f.nullable))
    .flatMap((f) => (ctx.agg ? [f.name, `other.${f.name}`] : [f.name]));
  const pick = <T>(xs: T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);

  const gen = (w: Want, ctx: Ctx, depth: number): fc.Arbitrary<string> => {
    const key = `${w.t}|${w.of}|${w.nullable}|${w.domain}|${ctx.agg}|${ctx.aggregates}|${depth}`;
    let arb = memo.get(key);
    if (!arb) {
      arb = fc.oneof(...build(w, ctx, depth));
      memo.set(key, arb);
    }
    return arb;
  };

  /** Any comparable base type, with its string domain: both sides of a comparison share it. */
  const comparable = (): fc.Arbitrary<Want> => fc.oneof(
    fc.constant<Want>({ t: 'number', nullable: true, domain: FREE }),
    fc.constant<Want>({ t: 'date', nullable: true, domain: FREE }),
    fc.constant<Want>({ t: 'combo', nullable: true, domain: FREE }),
    fc.constant<Want>({ t: 'bool', nullable: true, domain: FREE }),
    fc.constantFrom<Want>(...[FREE, ...scope.enums.map((e) => e.name)].map((domain) => ({ t: 'string' as const, nullable: true, domain }))),
  );

  const build = (w: Want, ctx: Ctx, depth: number): fc.Arbitrary<string>[] => {
    const sub = (x: Partial<Want> & { t: Want['t'] }, c: Ctx = ctx) => gen({ nullable: false, domain: FREE, ...x } as Want, c, depth - 1);
    const cond = () => sub({ t: 'bool', nullable: false });
    const leaves: fc.Arbitrary<string>[] = [];
    const inner: fc.Arbitrary<string>[] = [];
    const deeper = depth > 0;
    if (w.nullable) leaves.push(fc.constant('null'));
    if (deeper && w.t !== 'list') {
      inner.push(fc.tuple(cond(), sub({ ...w }), sub({ ...w })).map(([c, a, b]) => paren(`if ${c} then ${a} else ${b}`)));
    }
    switch (w.t) {
      case 'number': {
        leaves.push(pick(NUMBERS));
        const fs = fieldsOf('number', w.nullable, ctx);
        if (fs.length) leaves.push(pick(fs));
        if (!deeper) break;
        const operand = () => sub({ t: 'number', nullable: w.nullable });
        // Any divisor, zero included: x / 0 is null.
        inner.push(fc.tuple(operand(), pick(scope.next ? ['+', '-', '*', '/'] : ['+', '-', '*']), operand()).map(([a, op, b]) => paren(`${a} ${op} ${b}`)));
        if (!scope.next) inner.push(fc.tuple(operand(), pick(['2', '0.5', '15', '3'])).map(([a, b]) => paren(`${a} / ${b}`)));
        inner.push(operand().map((a) => paren(`-${a}`)));
        inner.push(operand().map((a) => `floor(${a})`));
        if (w.nullable && scope.bandings.length) inner.push(fc.tuple(pick(scope.bandings), operand()).map(([b, a]) => `${b}(${a})`));
        if (!ctx.agg && ctx.aggregates && scope.groups.length) {
          const inAgg = { agg: true, aggregates: false };
          inner.push(fc.tuple(pick(scope.groups), sub({ t: 'bool', nullable: false }, inAgg)).map(([g, p]) => `count(${g}, ${p})`));
          if (scope.next) inner.push(fc.tuple(pick(scope.groups), sub({ t: 'number', nullable: true }, inAgg)).map(([g, p]) => `sum(${g}, ${p})`));
        }
        if (scope.next && w.nullable) inner.push(fc.tuple(sub({ t: 'date', nullable: true }), sub({ t: 'date', nullable: true })).map(([a, b]) => paren(`${a} - ${b}`)));
        // The calendar of a date: year(d) and month(d) (null for null).
        if (scope.next) inner.push(fc.tuple(pick(['year', 'month']), sub({ t: 'date', nullable: w.nullable })).map(([f, d]) => `${f}(${d})`));
        break;
      }
      case 'bool': {
        if (w.nullable && deeper) inner.push(fc.tuple(cond(), cond()).map(([c, b]) => paren(`if ${c} then null else ${b}`)));
        leaves.push(pick(['true', 'false']));
        const fs = fieldsOf('bool', false, ctx);
        if (fs.length) leaves.push(pick(fs));
        if (!deeper) break;
        inner.push(fc.tuple(cond(), pick(['and', 'or']), cond()).map(([a, op, b]) => paren(`${a} ${op} ${b}`)));
        inner.push(cond().map((a) => paren(`not ${a}`)));
        inner.push(comparable().chain((t) => fc.tuple(sub(t), pick(['==', '!=']), sub(t))).map(([a, op, b]) => paren(`${a} ${op} ${b}`)));
        inner.push(fc.constantFrom<Base>('number', 'date').chain((t) => fc.tuple(sub({ t, nullable: true }), pick(['<', '<=', '>', '>=']), sub({ t, nullable: true })))
          .map(([a, op, b]) => paren(`${a} ${op} ${b}`)));
        inner.push(comparable().filter((t) => t.t !== 'bool').chain((t) => fc.tuple(sub(t), pick(['in', 'not in']), sub({ t: 'list', of: t.t as Base, nullable: false, domain: t.domain })))
          .map(([a, op, b]) => paren(`${a} ${op} ${b}`)));
        inner.push(sub({ t: 'number', nullable: true }).map((a) => `whole(${a})`));
        if (!ctx.agg && ctx.aggregates && scope.groups.length) {
          inner.push(fc.tuple(pick(scope.groups), sub({ t: 'bool', nullable: false }, { agg: true, aggregates: false })).map(([g, p]) => `any(${g}, ${p})`));
        }
        break;
      }
      case 'string': {
        const en = scope.enums.find((e) => e.name === w.domain);
        if (en) {
          leaves.push(pick(en.values.map((v) => JSON.stringify(v))));
          if (w.nullable || !en.nullable) leaves.push(pick(ctx.agg ? [en.name, `other.${en.name}`] : [en.name]));
        } else {
          leaves.push(pick(STRINGS));
          const fs = fieldsOf('string', w.nullable, ctx);
          if (fs.length) leaves.push(pick(fs));
        }
        break;
      }
      case 'date': {
        leaves.push(pick([...DATES, ...scope.dates]));
        const fs = fieldsOf('date', w.nullable, ctx);
        if (fs.length) leaves.push(pick(fs));
        if (scope.next && deeper) {
          const days = sub({ t: 'number', nullable: w.nullable });
          const day = sub({ t: 'date', nullable: w.nullable });
          inner.push(fc.tuple(day, pick(['+', '-']), days).map(([a, op, b]) => paren(`${a} ${op} ${b}`)));
          inner.push(fc.tuple(days, day).map(([a, b]) => paren(`${a} + ${b}`)));
        }
        break;
      }
      case 'combo': {
        if (scope.combos.length) leaves.push(pick(scope.combos));
        leaves.push(pick(ctx.agg ? ['combination', 'other.combination'] : ['combination']));
        break;
      }
      case 'list': {
        const of = w.of!;
        const item = gen({ t: of, nullable: true, domain: w.domain }, ctx, Math.max(0, depth - 1));
        leaves.push(fc.array(item, { minLength: 1, maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`));
        if (w.domain === FREE) {
          const sets = scope.sets.filter((s) => s.of === of).map((s) => s.name);
          if (sets.length) leaves.push(pick(sets));
          if (of === 'string') leaves.push(pick(fieldsOf('list', false, ctx)));
        }
        break;
      }
    }
    return [...leaves, ...inner];
  };

  const top = want ? fc.constant(want) : fc.oneof(
    fc.constantFrom<Want>(
      { t: 'number', nullable: true, domain: FREE }, { t: 'number', nullable: false, domain: FREE },
      { t: 'bool', nullable: false, domain: FREE }, { t: 'bool', nullable: true, domain: FREE },
      { t: 'date', nullable: true, domain: FREE }, { t: 'combo', nullable: true, domain: FREE }, { t: 'string', nullable: true, domain: FREE },
      { t: 'list', of: 'number', nullable: false, domain: FREE }, { t: 'list', of: 'string', nullable: false, domain: FREE },
    ),
    comparable(),
  );
  // Small expressions are as likely as large ones: a simple disagreement shows up simply.
  return fc.tuple(top, fc.integer({ min: 0, max: maxDepth })).chain(([w, depth]) => gen(w, { agg: false, aggregates }, depth));
}

/** A condition (non-nullable bool) over a scope, for a rule's `when`. */
export function conditionArb(scope: ExprScope, maxDepth = 3, aggregates = true): fc.Arbitrary<string> {
  return expressionArb(scope, maxDepth, aggregates, { t: 'bool', nullable: false, domain: FREE });
}

/** A number-valued expression (possibly null) over a scope, e.g. a unit basis's `billableUnits`. */
export function numberArb(scope: ExprScope, maxDepth = 2, aggregates = false): fc.Arbitrary<string> {
  return expressionArb(scope, maxDepth, aggregates, { t: 'number', nullable: true, domain: FREE });
}

/** A partial input line: a catalogue combination (with or without a delivery modifier) and random optional fields. */
export function lineArb(rs: RuleSet): fc.Arbitrary<Record<string, unknown>> {
  const ways = variantsOf(rs).map((v) => ({ procedureCode: v.entry.code, modifiers: v.modifiers }));
  const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 3 });
  return fc.record({
    way: fc.constantFrom(...ways),
    memberId: fc.constantFrom('M1', 'M1', 'M2'),
    serviceDate: fc.constantFrom('2024-03-30', '2024-03-31', '2024-04-01', '2024-04-02', '2022-01-01', '2023-12-31'),
    span: fc.constantFrom(0, 0, 0, 1, 2, 40),
    units: fc.constantFrom(1, 1, 2, 3, 0.5, 1.5),
    minutes: opt(fc.integer({ min: 0, max: 70 })),
    amount: opt(fc.constantFrom(0, 5, 12.5, 100)),
    staffCredential: opt(fc.constantFrom('rn', 'CHW', 'lcsw', 'MA', 'doula')),
    placeOfService: opt(fc.constantFrom('02', '10', '11')),
    planId: opt(fc.constantFrom('P1', 'P2')),
  }).map(({ way, span, serviceDate, ...rest }) => {
    const line: Record<string, unknown> = { ...way, serviceDate, ...rest };
    if (span > 0) line.serviceDateEnd = formatDay(parseDay(serviceDate) + span);
    for (const k of Object.keys(line)) if (line[k] === undefined) delete line[k];
    return line;
  });
}

/** Other lines of an input: mostly classified lines, sometimes an invalid record or a combination the catalogue lacks. */
export function othersArb(rs: RuleSet, maxLength = 4): fc.Arbitrary<Record<string, unknown>[]> {
  const odd = fc.constantFrom<Record<string, unknown>>({ units: 0 }, { modifiers: ['ZZ'] }, { procedureCode: 'A0001', modifiers: [] });
  return fc.array(fc.oneof({ weight: 6, arbitrary: lineArb(rs) }, { weight: 1, arbitrary: odd }), { maxLength });
}
