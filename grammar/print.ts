/**
 * Canonical source text for an AST: `parseExpression(printExpr(e))` gives back
 * `e` (spans aside) for every tree the parser can produce. Parentheses appear
 * only where precedence or associativity needs them; binary operators are
 * spaced, strings double-quoted.
 *
 * Trees the parser cannot produce are printed as well as they can be: a
 * negative number as `(-5)` (which reads back as unary minus), a name that is
 * a keyword or not an identifier as written.
 */
import type { BinaryOp, Expr } from './ast.ts';

// Binding strength of each level; a subexpression weaker than its slot needs parentheses.
const IF = 0;
const NOT = 3;
const NEG = 7;
const ATOM = 8;

const BINARY: Record<BinaryOp, { level: number; left: number; right: number }> = {
  or: { level: 1, left: 1, right: 2 },
  and: { level: 2, left: 2, right: 3 },
  // comparisons do not associate: both sides must be additive or tighter
  '==': { level: 4, left: 5, right: 5 },
  '!=': { level: 4, left: 5, right: 5 },
  '<': { level: 4, left: 5, right: 5 },
  '<=': { level: 4, left: 5, right: 5 },
  '>': { level: 4, left: 5, right: 5 },
  '>=': { level: 4, left: 5, right: 5 },
  in: { level: 4, left: 5, right: 5 },
  'not in': { level: 4, left: 5, right: 5 },
  '+': { level: 5, left: 5, right: 6 },
  '-': { level: 5, left: 5, right: 6 },
  '*': { level: 6, left: 6, right: 7 },
  '/': { level: 6, left: 6, right: 7 },
};

function levelOf(e: Expr): number {
  switch (e.kind) {
    case 'if': return IF;
    case 'binary': return BINARY[e.op].level;
    case 'unary': return e.op === 'not' ? NOT : NEG;
    default: return ATOM;
  }
}

/** Print `e` in a slot that needs at least binding strength `min`. */
function at(e: Expr, min: number): string {
  const text = print(e);
  return levelOf(e) < min ? `(${text})` : text;
}

function print(e: Expr): string {
  switch (e.kind) {
    case 'number': return formatNumber(e.value);
    case 'string': return quote(e.value);
    case 'date': return e.value;
    case 'bool': return e.value ? 'true' : 'false';
    case 'null': return 'null';
    case 'combo': return [e.code, ...e.modifiers].join(':');
    case 'list': return `[${e.items.map((x) => at(x, IF)).join(', ')}]`;
    case 'name': return e.name;
    case 'other': return `other.${e.name}`;
    case 'call': return `${e.callee}(${e.args.map((x) => at(x, IF)).join(', ')})`;
    case 'unary': return e.op === 'not' ? `not ${at(e.operand, NOT)}` : `-${at(e.operand, NEG)}`;
    case 'binary': {
      const b = BINARY[e.op];
      return `${at(e.left, b.left)} ${e.op} ${at(e.right, b.right)}`;
    }
    case 'if': return `if ${at(e.cond, IF)} then ${at(e.then, IF)} else ${at(e.else, IF)}`;
  }
}

/** Canonical source text of an expression. */
export function printExpr(expr: Expr): string {
  return print(expr);
}

/**
 * A number as the lexer reads it: plain decimal digits, never exponent
 * notation (`1e21` → `1000000000000000000000`, `1e-7` → `0.0000001`). The
 * digits are those of JavaScript's shortest round-trip form, so the text
 * reads back as the same double.
 */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '(1 / 0)' : n < 0 ? '(-1 / 0)' : '(0 / 0)';
  if (n < 0 || Object.is(n, -0)) return `(-${formatNumber(-n)})`;
  const s = String(n);
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const digits = m[1]! + (m[2] ?? '');
  const point = 1 + Number(m[3]);
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** A double-quoted string literal; control characters, lone surrogates and line/paragraph separators as `\uXXXX`. */
export function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLow(s.charCodeAt(i + 1))) out += ch + s[++i]!;
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || (c >= 0xd800 && c <= 0xdfff)) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;
