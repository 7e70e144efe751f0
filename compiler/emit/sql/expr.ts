/**
 * Expressions to SQL: the typed IR printed as one SQL expression with the
 * language's semantics (docs/semantics.md), not SQL's. Every node's type says
 * whether it can be null; where it can, the printed SQL says what the bundle
 * does (a comparison with null is false, `==` treats null as a value,
 * membership of null is false, division by zero is null), so no condition is
 * ever SQL's unknown. Constants from rule files go through the dialect's quoter.
 */
import type { Banding, IR, IRNode, Type, Value } from '../../model.ts';
import { Sql, joinSql, sql } from './builder.ts';
import type { Dialect } from './dialect.ts';

/** Where printed SQL finds things. */
export interface SqlContext {
  d: Dialect;
  /** The column holding a field of the judged line (`this`), of another line in an aggregate (`other`), or of a message's other line (`witness`). */
  field(name: string, of: 'this' | 'other' | 'witness'): Sql;
  /** The value of an aggregate, computed elsewhere (grouped joins). */
  aggregate(node: IRNode<'any' | 'count' | 'sum'>): Sql;
  bandings: ReadonlyMap<string, Pick<Banding, 'bands' | 'every'>>;
}

const MAX = Number.MAX_VALUE;

/** A typed SQL NULL for a language type. */
export function nullOf(d: Dialect, type: Type): Sql {
  switch (type.base) {
    case 'number': case 'date': return sql`CAST(NULL AS ${d.types.double})`;
    case 'string': case 'code': return sql`CAST(NULL AS ${d.types.text})`;
    case 'bool': return sql`CAST(NULL AS ${d.types.bool})`;
    case 'list': return type.of && (type.of.base === 'string' || type.of.base === 'code') ? sql`CAST(NULL AS ${d.types.textList})` : Sql.trusted('NULL');
    case 'null': return Sql.trusted('NULL');
  }
}

/** A constant as SQL. */
export function constant(d: Dialect, v: Value, type: Type): Sql {
  if (v === null) return nullOf(d, type);
  if (typeof v === 'boolean') return Sql.trusted(v ? 'TRUE' : 'FALSE');
  if (typeof v === 'number') return d.num(v);
  if (typeof v === 'string') return d.q.text(v);
  const of = type.of ?? { base: 'string', nullable: false };
  const items = v.map((x) => constant(d, x, of));
  return of.base === 'string' || of.base === 'code' ? d.textList(items) : d.list(items, of.base === 'bool' ? d.types.bool : d.types.double);
}

/** Print an expression; `other` says which line `other.` fields are read from. */
export function printSql(ir: IR, ctx: SqlContext, other: 'other' | 'witness' = 'other'): Sql {
  const p = (x: IR) => printSql(x, ctx, other);
  const d = ctx.d;
  // An expression of the null type is always null: where it meets a typed value it is a NULL of that value's type
  // (engines cannot type a bare NULL; PostgreSQL takes it for text).
  const NUMBER: Type = { base: 'number', nullable: true };
  const as = (x: IR, like: Type) => (x.type.base === 'null' ? nullOf(d, like.base === 'null' ? NUMBER : like) : p(x));
  const n = (x: IR) => as(x, NUMBER);
  switch (ir.k) {
    case 'const': return constant(d, ir.v, ir.type);
    case 'field': return ctx.field(ir.name, ir.of === 'this' ? 'this' : other);
    case 'not': return ir.x.type.nullable ? sql`(NOT coalesce(${p(ir.x)}, FALSE))` : sql`(NOT ${p(ir.x)})`;
    case 'and': case 'or': {
      const bool: Type = { base: 'bool', nullable: true };
      const a = as(ir.a, bool);
      const b = as(ir.b, bool);
      if (!ir.a.type.nullable && !ir.b.type.nullable) return ir.k === 'and' ? sql`(${a} AND ${b})` : sql`(${a} OR ${b})`;
      // JavaScript's && and ||: the first operand when it decides, else the second (null included).
      return ir.k === 'and' ? sql`CASE WHEN ${a} THEN ${b} ELSE ${a} END` : sql`CASE WHEN ${a} THEN ${a} ELSE ${b} END`;
    }
    case 'eq': case 'ne': {
      const a = as(ir.a, ir.b.type);
      const b = as(ir.b, ir.a.type);
      if (ir.a.type.nullable || ir.b.type.nullable || ir.a.type.base === 'null' || ir.b.type.base === 'null') {
        return ir.k === 'eq' ? d.same(a, b) : sql`(NOT ${d.same(a, b)})`;
      }
      return ir.k === 'eq' ? sql`(${a} = ${b})` : sql`(${a} <> ${b})`;
    }
    case 'lt': case 'le': case 'gt': case 'ge': {
      const op = Sql.trusted({ lt: '<', le: '<=', gt: '>', ge: '>=' }[ir.k]);
      const cmp = sql`(${as(ir.a, ir.b.type)} ${op} ${as(ir.b, ir.a.type)})`;
      return ir.a.type.nullable || ir.b.type.nullable ? sql`coalesce(${cmp}, FALSE)` : cmp;
    }
    case 'in': return membership(ir, ctx, p, as);
    case 'add': case 'sub': case 'mul': {
      const op = Sql.trusted({ add: '+', sub: '-', mul: '*' }[ir.k]);
      return sql`(${n(ir.a)} ${op} ${n(ir.b)})`;
    }
    case 'div': {
      const plainDivisor = ir.b.k === 'const' && typeof ir.b.v === 'number' && ir.b.v !== 0;
      return plainDivisor ? sql`(${n(ir.a)} / ${n(ir.b)})` : sql`(${n(ir.a)} / nullif(${n(ir.b)}, ${d.num(0)}))`;
    }
    case 'neg': return sql`(- ${n(ir.x)})`;
    case 'whole': {
      const x = n(ir.x);
      return sql`coalesce((${x} = floor(${x}) AND abs(${x}) <= ${d.num(MAX)}), FALSE)`;
    }
    case 'floor': return sql`floor(${n(ir.x)})`;
    case 'year': return d.yearOf(n(ir.x));
    case 'month': return d.monthOf(n(ir.x));
    case 'band': return banding(ir, ctx, n(ir.x));
    case 'list': {
      const of = ir.type.of ?? { base: 'string', nullable: false };
      const items = ir.items.map((x) => as(x, of));
      return of.base === 'string' || of.base === 'code' ? d.textList(items) : d.list(items, of.base === 'bool' ? d.types.bool : d.types.double);
    }
    case 'if': return sql`CASE WHEN ${p(ir.cond)} THEN ${as(ir.then, ir.type)} ELSE ${as(ir.else, ir.type)} END`;
    case 'any': case 'count': case 'sum': return ctx.aggregate(ir);
  }
}

function membership(ir: IRNode<'in'>, ctx: SqlContext, p: (x: IR) => Sql, as: (x: IR, like: Type) => Sql): Sql {
  const itemType = ir.b.type.of && ir.b.type.of.base !== 'null' ? ir.b.type.of : ir.a.type;
  const a = as(ir.a, itemType);
  const items = ir.b.k === 'const' && Array.isArray(ir.b.v)
    ? (ir.b.v as Value[]).map((v) => constant(ctx.d, v, itemType))
    : ir.b.k === 'list' ? ir.b.items.map((x) => as(x, itemType.base === 'null' ? ir.a.type : itemType)) : null;
  if (items === null) return sql`coalesce(${ctx.d.listContains(p(ir.b), a)}, FALSE)`;
  if (items.length === 0) return Sql.trusted('FALSE');
  return sql`coalesce(${ctx.d.inList(a, items)}, FALSE)`;
}

/** Minutes to units by a banding, as the runtime's bandUnits: null for null or negative minutes. */
function banding(ir: IRNode<'band'>, ctx: SqlContext, x: Sql): Sql {
  const d = ctx.d;
  const b = ctx.bandings.get(ir.banding)!;
  const m = sql`floor(${x})`;
  const whens = b.bands.map((band) => sql`WHEN ${m} <= ${d.num(band.to)} THEN ${d.num(band.units)}`);
  const last = b.bands[b.bands.length - 1]!;
  const beyond = b.every === null
    ? nullOf(d, { base: 'number', nullable: true })
    : sql`${d.num(last.units + 1)} + floor((${m} - ${d.num(last.to + 1)}) / ${d.num(b.every)})`;
  return sql`CASE WHEN ${x} IS NULL OR ${x} < ${d.num(0)} THEN ${nullOf(d, { base: 'number', nullable: true })} ${joinSql(whens, ' ')} ELSE ${beyond} END`;
}

/** A value as a message shows it (the runtime's showValue): `(none)` for null, dates YYYY-MM-DD, numbers as JavaScript prints them, lists joined by spaces. */
export function shownSql(ir: IR, ctx: SqlContext): Sql {
  const d = ctx.d;
  const v = printSql(ir, ctx, 'witness');
  switch (ir.type.base) {
    case 'date': case 'number': case 'string': case 'code': case 'bool': return shownScalar(d, ir.type.base, v);
    case 'list': {
      // Each item as the runtime shows it: (none) for null, dates YYYY-MM-DD, numbers as JavaScript prints them.
      const of = ir.type.of ?? { base: 'string', nullable: false };
      const item = (x: Sql) => (of.base === 'list' ? x : shownScalar(d, of.base, x));
      return sql`CASE WHEN ${v} IS NULL OR ${d.listLength(v)} = 0 THEN '(none)' ELSE ${d.listMapJoin(v, item, ' ')} END`;
    }
    case 'null': return Sql.trusted(`'(none)'`);
  }
}

/** A scalar as a message shows it: `(none)` for null. */
function shownScalar(d: Dialect, base: Type['base'], v: Sql): Sql {
  switch (base) {
    case 'date': return sql`coalesce(${d.formatDay(v)}, '(none)')`;
    case 'number': return sql`coalesce(${d.numberText(v)}, '(none)')`;
    case 'bool': return sql`CASE WHEN ${v} IS NULL THEN '(none)' WHEN ${v} THEN 'true' ELSE 'false' END`;
    case 'null': case 'list': return Sql.trusted(`'(none)'`);
    default: return sql`coalesce(${v}, '(none)')`;
  }
}
