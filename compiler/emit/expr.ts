/**
 * Expressions to JavaScript: the (folded) IR printed as inline code. What
 * each operator means is docs/semantics.md; where an operand's type says it
 * may be null, the printed code guards it or calls the runtime operator
 * (runtime/ops.js), linked by reference.
 */
import { add, bandUnits, describedAs, div, floorOf, ge, gt, isIn, le, lt, monthOf, mul, neg, sub, yearOf } from '../../runtime/ops.js';
import { recordField } from '../fields.ts';
import type { IR, IRNode, Value } from '../model.ts';
import { _, join, literal, name, type Code } from './codegen.ts';
import type { Linker } from './link.ts';
import { conjunction, splitPredicate, type RelationOp } from './aggregate.ts';

/** Where printed code finds things. */
export interface PrintContext {
  link: Linker;
  /** Hoist a constant list to a module-level Set; returns its name. */
  hoistSet(values: readonly Value[]): Code;
  /** The module-level constant holding a banding's table. */
  banding(name: string): Code;
  /** The slot of a group in the line's item. */
  slot(group: string): number;
  /** Attribute names (read from the entry object by string key). */
  attributes: ReadonlySet<string>;
  /**
   * Hoist an aggregate's indexable parts (runtime/groups.js `Aggregate`): the predicate on the other line
   * alone, and the other line's value compared with this line's. Returns the constant's name.
   */
  /** `pure` is the printed condition on the other line; `pureIR` the same as IR (answered per variant where it can be). */
  aggregate(pure: Code | null, pureIR: IR | null, by: Code | null, op: RelationOp | null): Code;
}

/**
 * Which line a field is read from: `this` is the judged line (`r`, `e`, `d`, `u`); `other` the line an
 * aggregate looks at (`o`); `witness` a message's other line (`w`, which may be null).
 */
type Holder = 'this' | 'other' | 'witness';

export function printExpr(ir: IR, ctx: PrintContext, other: 'other' | 'witness' = 'other'): Code {
  return new Printer(ctx, other).print(ir);
}

/** The witness of a message: the first other line of the group for which `pred` holds, or null. */
export function printWitness(slot: number, pred: IR, ctx: PrintContext): Code {
  return new Printer(ctx, 'other').aggregate('firstIn', slot, pred, _`null`);
}

const SIMPLE = new Set<IR['k']>(['const', 'field']);

class Printer {
  constructor(private readonly ctx: PrintContext, private readonly other: 'other' | 'witness') {}

  print(ir: IR): Code {
    const p = (x: IR) => this.print(x);
    switch (ir.k) {
      case 'const': return literal(ir.v as never);
      case 'field': return this.field(ir.name, ir.of === 'this' ? 'this' : this.other);
      case 'not': return _`!${p(ir.x)}`;
      case 'and': return _`(${p(ir.a)} && ${p(ir.b)})`;
      case 'or': return _`(${p(ir.a)} || ${p(ir.b)})`;
      case 'eq': return _`(${p(ir.a)} === ${p(ir.b)})`;
      case 'ne': return _`(${p(ir.a)} !== ${p(ir.b)})`;
      case 'lt': case 'le': case 'gt': case 'ge': return this.compare(ir);
      case 'in': return this.membership(ir);
      case 'add': case 'sub': case 'mul': case 'div': return this.arithmetic(ir);
      case 'neg': return ir.x.type.nullable ? _`${this.ctx.link.fn(neg)}(${p(ir.x)})` : _`(-${p(ir.x)})`;
      case 'whole': return _`Number.isInteger(${p(ir.x)})`;
      case 'floor': return ir.x.type.nullable ? _`${this.ctx.link.fn(floorOf)}(${p(ir.x)})` : _`Math.floor(${p(ir.x)})`;
      case 'year': return _`${this.ctx.link.fn(yearOf)}(${p(ir.x)})`;
      case 'month': return _`${this.ctx.link.fn(monthOf)}(${p(ir.x)})`;
      case 'band': return _`${this.ctx.link.fn(bandUnits)}(${this.ctx.banding(ir.banding)}, ${p(ir.x)})`;
      case 'list': return _`[${join(ir.items.map(p), ', ')}]`;
      case 'if': return _`(${p(ir.cond)} ? ${p(ir.then)} : ${p(ir.else)})`;
      case 'any': return this.aggregate('anyIn', this.ctx.slot(ir.group), ir.pred, _`false`);
      case 'count': return this.aggregate('countIn', this.ctx.slot(ir.group), ir.pred, _`0`);
      case 'sum': return _`sumIn(it, ${this.ctx.slot(ir.group)}, (o) => ${this.inner(ir.x)})`;
    }
  }

  /**
   * `anyIn|countIn|firstIn(it, slot, A, mine, rest)` with the predicate split (compiler/emit/aggregate.ts);
   * conditions on this line alone guard the call (`none` when they fail).
   */
  aggregate(fn: 'anyIn' | 'countIn' | 'firstIn', slot: number, pred: IR, none: Code): Code {
    const split = splitPredicate(pred);
    const pure = conjunction(split.pure);
    const rel = split.relation;
    const spec = this.ctx.aggregate(pure && _`(o) => ${this.inner(pure)}`, pure, rel && _`(o) => ${this.inner(rel.other)}`, rel?.op ?? null);
    const rest = conjunction(split.rest);
    const call = _`${name(fn)}(it, ${slot}, ${spec}, ${rel ? this.print(rel.mine) : _`null`}, ${rest ? _`(o) => ${this.inner(rest)}` : _`null`})`;
    const guard = conjunction(split.guard);
    return guard ? _`(${this.print(guard)} ? ${call} : ${none})` : call;
  }

  /** Inside an aggregate, `other.` is the line the aggregate looks at. */
  private inner(ir: IR): Code {
    return new Printer(this.ctx, 'other').print(ir);
  }

  private field(field: string, of: Holder): Code {
    // A message's other line may be missing: its fields are then null.
    if (of === 'witness') return _`(w === null ? null : ${this.read(field, _`w.`)})`;
    return this.read(field, of === 'other' ? _`o.` : null);
  }

  /** A field of the judged line (`line` null: `r`, `e`, `d`, `u`) or of another line's item (`o.`, `w.`). */
  private read(field: string, line: Code | null): Code {
    // Another line's entry and delivery are its variant's.
    const entry = line ? _`${line}x.e` : _`e`;
    const delivery = line ? _`${line}x.d` : _`d`;
    if (field === 'delivery') return delivery;
    if (field === 'billableUnits') return line ? _`${line}res.billableUnits` : _`u`;
    if (field === 'description') return _`${this.ctx.link.fn(describedAs)}(${entry}, ${delivery})`;
    if (this.ctx.attributes.has(field)) return _`${entry}[${field}]`;
    if (recordField(field) || field === 'serviceDays') return _`${line ?? _``}r.${name(field)}`;
    return _`${entry}.${name(field)}`;
  }

  private compare(ir: IRNode<'lt' | 'le' | 'gt' | 'ge'>): Code {
    const a = this.print(ir.a);
    const b = this.print(ir.b);
    const op = { lt: _`<`, le: _`<=`, gt: _`>`, ge: _`>=` }[ir.k];
    const nullable = [ir.a, ir.b].filter((x) => x.type.nullable);
    if (nullable.length === 0) return _`(${a} ${op} ${b})`;
    if (SIMPLE.has(ir.a.k) && SIMPLE.has(ir.b.k)) {
      const guards = nullable.map((x) => _`${this.print(x)} !== null && `);
      return _`(${guards}${a} ${op} ${b})`;
    }
    return _`${this.ctx.link.fn({ lt, le, gt, ge }[ir.k])}(${a}, ${b})`;
  }

  private membership(ir: IRNode<'in'>): Code {
    const a = this.print(ir.a);
    if (ir.b.k === 'const') {
      const set = this.ctx.hoistSet(ir.b.v as readonly Value[]);
      if (!ir.a.type.nullable) return _`${set}.has(${a})`;
      return SIMPLE.has(ir.a.k) ? _`(${a} !== null && ${set}.has(${a}))` : _`${this.ctx.link.fn(isIn)}(${a}, ${set})`;
    }
    return _`${this.ctx.link.fn(isIn)}(${a}, ${this.print(ir.b)})`;
  }

  private arithmetic(ir: IRNode<'add' | 'sub' | 'mul' | 'div'>): Code {
    const a = this.print(ir.a);
    const b = this.print(ir.b);
    const plainDivisor = ir.b.k === 'const' && typeof ir.b.v === 'number' && ir.b.v !== 0;
    if (!ir.a.type.nullable && !ir.b.type.nullable && (ir.k !== 'div' || plainDivisor)) {
      return _`(${a} ${{ add: _`+`, sub: _`-`, mul: _`*`, div: _`/` }[ir.k]} ${b})`;
    }
    return _`${this.ctx.link.fn({ add, sub, mul, div }[ir.k])}(${a}, ${b})`;
  }
}
