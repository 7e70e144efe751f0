/**
 * Properties of the expression front end:
 * - print ∘ parse is the identity on ASTs (spans aside), for random trees;
 * - every node's span, sliced out of the printed text, parses to that node;
 * - parseExpression never throws, and on failure gives exactly one in-bounds problem.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseExpression, printExpr, type BinaryOp, type Expr, type ParseResult } from '../../grammar/index.ts';

const NO_SPAN = { start: 0, end: 0 };
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'if', 'then', 'else', 'true', 'false', 'null', 'other']);
const BINARY_OPS: BinaryOp[] = ['or', 'and', '==', '!=', '<', '<=', '>', '>=', 'in', 'not in', '+', '-', '*', '/'];

/** Names the lexer reads as one identifier: not a keyword, not a bare code like `G9007`. */
const identifier = fc
  .stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,7}$/)
  .filter((s) => !KEYWORDS.has(s) && !/^[A-Z]\d{4}$/.test(s));

const upperOrDigit = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split(''));
const digits = (n: number): fc.Arbitrary<string> => fc.stringMatching(new RegExp(`^\\d{${n}}$`));

const numberValue = fc.oneof(
  fc.nat({ max: 100_000 }),
  fc.integer({ min: 0, max: 999 }).map((n) => n / 8),
  fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }).map((n) => (n === 0 ? 0 : n)),
);

const stringValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('"', "'", '\\', '\n', '\t', '\r', 'u', '#', ' ', '\u2028', '\ud800', '😀') }),
);

const leaf: fc.Arbitrary<Expr> = fc.oneof(
  numberValue.map((value): Expr => ({ kind: 'number', value, span: NO_SPAN })),
  stringValue.map((value): Expr => ({ kind: 'string', value, span: NO_SPAN })),
  fc.tuple(digits(4), digits(2), digits(2)).map(([y, m, d]): Expr => ({ kind: 'date', value: `${y}-${m}-${d}`, span: NO_SPAN })),
  fc.boolean().map((value): Expr => ({ kind: 'bool', value, span: NO_SPAN })),
  fc.constant<Expr>({ kind: 'null', span: NO_SPAN }),
  fc
    .tuple(fc.constantFrom(...'ABGHTZ'.split('')), digits(4), fc.array(fc.tuple(upperOrDigit, upperOrDigit), { maxLength: 3 }))
    .map(([letter, code, mods]): Expr => ({ kind: 'combo', code: letter + code, modifiers: mods.map(([a, b]) => a + b), span: NO_SPAN })),
  identifier.map((name): Expr => ({ kind: 'name', name, span: NO_SPAN })),
  identifier.map((name): Expr => ({ kind: 'other', name, span: NO_SPAN })),
);

const { expr: arbitraryExpr } = fc.letrec<{ expr: Expr }>((tie) => {
  const sub = tie('expr');
  return {
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.tuple(fc.constantFrom<'not' | '-'>('not', '-'), sub).map(([op, operand]): Expr => ({ kind: 'unary', op, operand, span: NO_SPAN })),
      fc.tuple(fc.constantFrom(...BINARY_OPS), sub, sub).map(([op, left, right]): Expr => ({ kind: 'binary', op, left, right, span: NO_SPAN })),
      fc.tuple(identifier, fc.array(sub, { maxLength: 3 })).map(([callee, args]): Expr => ({ kind: 'call', callee, calleeSpan: NO_SPAN, args, span: NO_SPAN })),
      fc.array(sub, { maxLength: 3 }).map((items): Expr => ({ kind: 'list', items, span: NO_SPAN })),
      fc.tuple(sub, sub, sub).map(([cond, then, otherwise]): Expr => ({ kind: 'if', cond, then, else: otherwise, span: NO_SPAN })),
    ),
  };
});

/** A copy without positions, for comparing trees. */
function stripSpans(e: Expr): unknown {
  switch (e.kind) {
    case 'list': return { kind: e.kind, items: e.items.map(stripSpans) };
    case 'unary': return { kind: e.kind, op: e.op, operand: stripSpans(e.operand) };
    case 'binary': return { kind: e.kind, op: e.op, left: stripSpans(e.left), right: stripSpans(e.right) };
    case 'call': return { kind: e.kind, callee: e.callee, args: e.args.map(stripSpans) };
    case 'if': return { kind: e.kind, cond: stripSpans(e.cond), then: stripSpans(e.then), else: stripSpans(e.else) };
    default: {
      const { span: _span, ...rest } = e;
      return rest;
    }
  }
}

function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'list': return e.items;
    case 'unary': return [e.operand];
    case 'binary': return [e.left, e.right];
    case 'call': return e.args;
    case 'if': return [e.cond, e.then, e.else];
    default: return [];
  }
}

function allNodes(e: Expr): Expr[] {
  return [e, ...children(e).flatMap(allNodes)];
}

function expectWellFormed(text: string, r: ParseResult): void {
  if (r.expr) {
    expect(r.problems).toEqual([]);
    return;
  }
  expect(r.problems).toHaveLength(1);
  const p = r.problems[0]!;
  expect(['expr-lex', 'expr-syntax']).toContain(p.code);
  expect(p.message).not.toMatch(/internal error/);
  expect(p.span.start).toBeGreaterThanOrEqual(0);
  expect(p.span.start).toBeLessThanOrEqual(p.span.end);
  expect(p.span.end).toBeLessThanOrEqual(text.length);
}

describe('print then parse', () => {
  it('gives back the same tree (spans aside)', () => {
    fc.assert(
      fc.property(arbitraryExpr, (e) => {
        const text = printExpr(e);
        const r = parseExpression(text);
        expect(r.problems, text).toEqual([]);
        expect(stripSpans(r.expr!)).toEqual(stripSpans(e));
        expect(printExpr(r.expr!)).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('gives spans that nest and that slice out each node', () => {
    fc.assert(
      fc.property(arbitraryExpr, (e) => {
        const text = printExpr(e);
        const root = parseExpression(text).expr!;
        expect(root.span).toEqual({ start: 0, end: text.length });
        for (const node of allNodes(root)) {
          for (const child of children(node)) {
            expect(child.span.start).toBeGreaterThanOrEqual(node.span.start);
            expect(child.span.end).toBeLessThanOrEqual(node.span.end);
          }
          const again = parseExpression(text.slice(node.span.start, node.span.end));
          expect(again.problems).toEqual([]);
          expect(stripSpans(again.expr!)).toEqual(stripSpans(node));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseExpression never throws', () => {
  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), (text) => {
        expectWellFormed(text, parseExpression(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('on strings over the expression alphabet', () => {
    const chars = fc.constantFrom(...'aoTG09._ ()[],.:=!<>+-*/"\'\\#\n\t$'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 40 }), (text) => {
        expectWellFormed(text, parseExpression(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('on sequences of tokens', () => {
    const tokens = fc.constantFrom(
      'a', 'x1', 'f', '15', '7.5', '"s"', "'t'", '2024-03-31', 'T2040:U6', 'G9007', 'true', 'null', 'other', '.',
      'and', 'or', 'not', 'in', 'if', 'then', 'else', '==', '!=', '<', '<=', '>=', '+', '-', '*', '/', '(', ')', '[', ']', ',', '# c\n',
    );
    fc.assert(
      fc.property(fc.array(tokens, { maxLength: 16 }), fc.boolean(), (parts, spaced) => {
        const text = parts.join(spaced ? ' ' : '');
        expectWellFormed(text, parseExpression(text));
      }),
      { numRuns: 3000 },
    );
  });
});
