/**
 * Constant folding: replace the fields a catalogue variant fixes by their
 * values and compute every constant sub-expression with the runtime's own
 * operators (runtime/ops.js), the code the bundle runs. The reference
 * interpreter (compiler/evaluate.ts) is a separate implementation, so the
 * differential tests compare two implementations, not one with itself.
 */
import { add, bandUnits, div, floorOf, ge, gt, isIn, isWhole, le, lt, monthOf, mul, neg, sub, yearOf } from '../../runtime/ops.js';
import type { Banding, IR, IRNode, Value } from '../model.ts';

const NONE: ReadonlyMap<string, Value> = new Map();

/** A banding in the runtime's form: the bands' upper bounds and units, and the step past the last band. */
export function runtimeBanding(b: Pick<Banding, 'bands' | 'every'>): { to: number[]; units: number[]; every: number | null } {
  return { to: b.bands.map((x) => x.to), units: b.bands.map((x) => x.units), every: b.every };
}

/** What folding knows: fields of the judged line (`consts`), of the other line in an aggregate, and the bandings. */
export interface FoldEnv {
  consts: ReadonlyMap<string, Value>;
  otherConsts?: ReadonlyMap<string, Value>;
  bandings: ReadonlyMap<string, Pick<Banding, 'bands' | 'every'>>;
}

export function fold(ir: IR, env: FoldEnv): IR {
  const f = (x: IR) => fold(x, env);
  const c = (v: Value): IR => ({ k: 'const', v, type: ir.type });
  switch (ir.k) {
    case 'const': return ir;
    case 'field': {
      const known = ir.of === 'this' ? env.consts : (env.otherConsts ?? NONE);
      return known.has(ir.name) ? c(known.get(ir.name)!) : ir;
    }
    case 'and': case 'or': {
      const stop = ir.k === 'or';
      const a = f(ir.a);
      if (isConst(a)) return a.v === stop ? c(stop) : f(ir.b);
      const b = f(ir.b);
      if (isConst(b)) return b.v === stop ? c(stop) : a;
      return { ...ir, a, b };
    }
    case 'if': {
      const cond = f(ir.cond);
      if (isConst(cond)) return cond.v === true ? f(ir.then) : f(ir.else);
      return { ...ir, cond, then: f(ir.then), else: f(ir.else) };
    }
    case 'not': case 'neg': case 'whole': case 'floor': case 'year': case 'month': case 'band': {
      const x = f(ir.x);
      return isConst(x) ? c(unary(ir, x.v, env)) : { ...ir, x };
    }
    case 'list': {
      const items = ir.items.map(f);
      return items.every(isConst) ? c(items.map((x) => (x as IRNode<'const'>).v)) : { ...ir, items };
    }
    case 'any': case 'count': return { ...ir, pred: f(ir.pred) };
    case 'sum': return { ...ir, x: f(ir.x) };
    default: {
      const a = f(ir.a);
      const b = f(ir.b);
      return isConst(a) && isConst(b) ? c(binary(ir.k, a.v, b.v)) : { ...ir, a, b };
    }
  }
}

export function isConst(x: IR): x is IRNode<'const'> {
  return x.k === 'const';
}

function unary(ir: IRNode<'not' | 'neg' | 'whole' | 'floor' | 'year' | 'month' | 'band'>, v: Value, env: FoldEnv): Value {
  switch (ir.k) {
    case 'not': return !v;
    case 'neg': return neg(v as number | null);
    case 'whole': return isWhole(v);
    case 'floor': return floorOf(v as number | null);
    case 'year': return yearOf(v as number | null);
    case 'month': return monthOf(v as number | null);
    case 'band': return bandUnits(runtimeBanding(env.bandings.get(ir.banding)!), v as number | null);
  }
}

function binary(k: IRNode<'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'in' | 'add' | 'sub' | 'mul' | 'div'>['k'], a: Value, b: Value): Value {
  const x = a as number | null;
  const y = b as number | null;
  switch (k) {
    case 'eq': return a === b;
    case 'ne': return a !== b;
    case 'lt': return lt(a, b);
    case 'le': return le(a, b);
    case 'gt': return gt(a, b);
    case 'ge': return ge(a, b);
    case 'in': return isIn(a, b as readonly Value[]);
    case 'add': return add(x, y);
    case 'sub': return sub(x, y);
    case 'mul': return mul(x, y);
    case 'div': return div(x, y);
  }
}

/** Does an expression look at other lines? */
export function usesAggregates(ir: IR): boolean {
  return aggregatesOf(ir).length > 0;
}

/** The aggregates of an expression, in order. */
export function aggregatesOf(ir: IR): IRNode<'any' | 'count' | 'sum'>[] {
  const found: IRNode<'any' | 'count' | 'sum'>[] = [];
  visit(ir, (n) => { if (n.k === 'any' || n.k === 'count' || n.k === 'sum') found.push(n); });
  return found;
}

/** Call `f` on every node, parents first. */
export function visit(ir: IR, f: (n: IR) => void): void {
  f(ir);
  switch (ir.k) {
    case 'const': case 'field': return;
    case 'not': case 'neg': case 'whole': case 'floor': case 'year': case 'month': case 'band': case 'sum': return visit(ir.x, f);
    case 'list': return ir.items.forEach((x) => visit(x, f));
    case 'if': visit(ir.cond, f); visit(ir.then, f); return visit(ir.else, f);
    case 'any': case 'count': return visit(ir.pred, f);
    default: visit(ir.a, f); return visit(ir.b, f);
  }
}
