/** Canonical source text for an AST: parses back to the same tree (spans aside). */
import type { Expr } from './ast.ts';

export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'number': return String(e.value);
    case 'string': return JSON.stringify(e.value);
    case 'date': return e.value;
    case 'bool': return String(e.value);
    case 'null': return 'null';
    case 'combo': return [e.code, ...e.modifiers].join(':');
    case 'list': return `[${e.items.map(printExpr).join(', ')}]`;
    case 'name': return e.name;
    case 'other': return `other.${e.name}`;
    case 'unary': return e.op === 'not' ? `not (${printExpr(e.operand)})` : `-(${printExpr(e.operand)})`;
    case 'binary': return `(${printExpr(e.left)}) ${e.op} (${printExpr(e.right)})`;
    case 'call': return `${e.callee}(${e.args.map(printExpr).join(', ')})`;
    case 'if': return `(if ${printExpr(e.cond)} then ${printExpr(e.then)} else ${printExpr(e.else)})`;
  }
}
