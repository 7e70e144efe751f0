/**
 * Expressions to JavaScript: emission of the (folded) IR as inline code.
 * Emitted code must mean what compiler/evaluate.ts says.
 */
import { ENTRY_FIELDS, LINE_FIELDS, type IR, type Value } from '../model.ts';
import { _, literal, name, type Code } from './codegen.ts';

/** Where the emitted code finds things. */
export interface EmitContext {
  /** Hoist a constant list to a module-level Set; returns its name. */
  hoistSet(values: readonly Value[]): Code;
  /** The name of the emitted function of a banding. */
  bandingFunction(banding: string): Code;
  /** The slot of a group in `it.g`. */
  groupSlot(group: string): number;
}

interface Emitted { code: Code; nullable: boolean; simple: boolean }

const ENTRY = new Set<string>(ENTRY_FIELDS);

/** Code reading a field of the line judged (`this`) or of the other line in an aggregate. */
function fieldCode(fieldName: string, of: 'this' | 'other'): Emitted {
  const prefix = of === 'this' ? '' : 'o.';
  const nullable = fieldName === 'staff' || (LINE_FIELDS[fieldName]?.nullable ?? false);
  if (fieldName === 'delivery') return { code: _`${raw(prefix)}d`, nullable: false, simple: true };
  const holder = ENTRY.has(fieldName) ? 'e' : 'r';
  return { code: _`${raw(prefix)}${name(holder)}.${name(fieldName)}`, nullable, simple: true };
}

function raw(prefix: '' | 'o.'): Code {
  return prefix === '' ? _`` : _`o.`;
}

export function emitExpr(ir: IR, ctx: EmitContext): Code {
  return emit(ir, ctx).code;
}

function emit(ir: IR, ctx: EmitContext): Emitted {
  const e = (x: IR) => emit(x, ctx);
  const plain = (code: Code, nullable = false): Emitted => ({ code, nullable, simple: false });
  switch (ir.k) {
    case 'const': return { code: literal(ir.v as never), nullable: ir.v === null, simple: true };
    case 'field': return fieldCode(ir.name, ir.of);
    case 'not': return plain(_`!${e(ir.x).code}`);
    case 'neg': { const x = e(ir.x); return x.nullable ? plain(_`neg(${x.code})`, true) : plain(_`(-${x.code})`); }
    case 'and': return plain(_`(${e(ir.a).code} && ${e(ir.b).code})`);
    case 'or': return plain(_`(${e(ir.a).code} || ${e(ir.b).code})`);
    case 'eq': return plain(_`(${e(ir.a).code} === ${e(ir.b).code})`);
    case 'ne': return plain(_`(${e(ir.a).code} !== ${e(ir.b).code})`);
    case 'lt': case 'le': case 'gt': case 'ge': {
      const a = e(ir.a);
      const b = e(ir.b);
      const op = { lt: _`<`, le: _`<=`, gt: _`>`, ge: _`>=` }[ir.k];
      if (!a.nullable && !b.nullable) return plain(_`(${a.code} ${op} ${b.code})`);
      if (a.simple && b.simple) {
        const guards = [a, b].filter((x) => x.nullable).map((x) => _`${x.code} !== null && `);
        return plain(_`(${guards}${a.code} ${op} ${b.code})`);
      }
      return plain(_`${name(ir.k)}(${a.code}, ${b.code})`);
    }
    case 'in': {
      const a = e(ir.a);
      const list = ir.b.k === 'const' ? ctx.hoistSet(ir.b.v as readonly Value[]) : e(ir.b).code;
      const test = ir.b.k === 'const' ? _`${list}.has(${a.code})` : _`${list}.includes(${a.code})`;
      if (!a.nullable) return plain(test);
      return a.simple ? plain(_`(${a.code} !== null && ${test})`) : plain(_`isIn(${a.code}, ${list})`);
    }
    case 'add': case 'sub': case 'mul': case 'div': {
      const a = e(ir.a);
      const b = e(ir.b);
      if (a.nullable || b.nullable) return plain(_`${name(ir.k)}(${a.code}, ${b.code})`, true);
      const op = { add: _`+`, sub: _`-`, mul: _`*`, div: _`/` }[ir.k];
      return plain(_`(${a.code} ${op} ${b.code})`);
    }
    case 'list': return plain(_`[${ir.items.map((x, i) => (i === 0 ? e(x).code : _`, ${e(x).code}`))}]`);
    case 'if': {
      const t = e(ir.t);
      const f = e(ir.e);
      return plain(_`(${e(ir.c).code} ? ${t.code} : ${f.code})`, t.nullable || f.nullable);
    }
    case 'whole': return plain(_`Number.isInteger(${e(ir.x).code})`);
    case 'floor': { const x = e(ir.x); return x.nullable ? plain(_`floorOf(${x.code})`, true) : plain(_`Math.floor(${x.code})`); }
    case 'band': return plain(_`${ctx.bandingFunction(ir.banding)}(${e(ir.x).code})`, true);
    case 'any': return plain(_`anyIn(it, ${ctx.groupSlot(ir.group)}, (o) => ${e(ir.pred).code})`);
    case 'count': return plain(_`countIn(it, ${ctx.groupSlot(ir.group)}, (o) => ${e(ir.pred).code})`);
  }
}
