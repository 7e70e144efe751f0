/**
 * How an aggregate's predicate is split so that the runtime can answer it
 * from an index rather than by looking at every pair of lines
 * (runtime/groups.js). The predicate's conjuncts fall in four kinds:
 *
 * - `guard`: reads only this line (or nothing): checked once per question;
 * - `pure`: reads only the other line: the lines passing it are indexed once
 *   per group;
 * - `relation`: at most one comparison `other-value op this-value` of numbers
 *   or dates, neither side null-able for `==`: answered by binary search over
 *   the candidates sorted by the other line's value;
 * - `rest`: anything else (both lines mixed another way, nested aggregates):
 *   checked on each candidate.
 *
 * The split keeps the meaning: conditions are two-valued (a condition that
 * could be null is a compile error), so `a and b` is the conjunction of its
 * parts, in any order; a comparison with a null side is false, which the
 * runtime keeps by never indexing a line whose value is null.
 */
import { visit } from '../plan/fold.ts';
import type { IR, IRNode } from '../model.ts';

export type RelationOp = 'lt' | 'le' | 'gt' | 'ge' | 'eq';

export interface SplitPredicate {
  guard: IR[];
  pure: IR[];
  relation: { op: RelationOp; other: IR; mine: IR } | null;
  rest: IR[];
}

/** The conjuncts of a condition (`a and b and c` → [a, b, c]). */
export function conjuncts(ir: IR): IR[] {
  return ir.k === 'and' ? [...conjuncts(ir.a), ...conjuncts(ir.b)] : [ir];
}

/** Which lines an expression reads: this one, the other one (outside nested aggregates), and whether it aggregates. */
function reads(ir: IR): { self: boolean; other: boolean; aggregate: boolean } {
  const seen = { self: false, other: false, aggregate: false };
  visit(ir, (n) => {
    if (n.k === 'field') seen[n.of === 'this' ? 'self' : 'other'] = true;
    else if (n.k === 'any' || n.k === 'count' || n.k === 'sum') seen.aggregate = true;
  });
  return seen;
}

const FLIP: Record<RelationOp, RelationOp> = { lt: 'gt', le: 'ge', gt: 'lt', ge: 'le', eq: 'eq' };

/** `other-side op this-side` if the conjunct has that shape, else null. */
function relationOf(c: IR): SplitPredicate['relation'] {
  if (c.k !== 'lt' && c.k !== 'le' && c.k !== 'gt' && c.k !== 'ge' && c.k !== 'eq') return null;
  const { a, b } = c as IRNode<'lt' | 'le' | 'gt' | 'ge' | 'eq'>;
  const orderable = (x: IR) => x.type.base === 'number' || x.type.base === 'date';
  if (!orderable(a) || !orderable(b)) return null;
  // `==` is total (null == null holds): only split it when neither side can be null.
  if (c.k === 'eq' && (a.type.nullable || b.type.nullable)) return null;
  const ra = reads(a);
  const rb = reads(b);
  if (ra.aggregate || rb.aggregate) return null;
  if (ra.other && !ra.self && rb.self && !rb.other) return { op: c.k, other: a, mine: b };
  if (rb.other && !rb.self && ra.self && !ra.other) return { op: FLIP[c.k], other: b, mine: a };
  return null;
}

/** Split an aggregate's predicate (see the file comment). */
export function splitPredicate(pred: IR): SplitPredicate {
  const out: SplitPredicate = { guard: [], pure: [], relation: null, rest: [] };
  for (const c of conjuncts(pred)) {
    const r = reads(c);
    if (r.aggregate) out.rest.push(c);
    else if (!r.other) out.guard.push(c);
    else if (!r.self) out.pure.push(c);
    else if (out.relation === null && (out.relation = relationOf(c)) !== null) continue;
    else out.rest.push(c);
  }
  return out;
}

/** The conjunction of some conditions, or null for none. */
export function conjunction(parts: readonly IR[]): IR | null {
  if (parts.length === 0) return null;
  return parts.reduce((a, b) => ({ k: 'and', a, b, type: { base: 'bool', nullable: false } }) as IR);
}

