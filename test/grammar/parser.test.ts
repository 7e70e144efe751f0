/**
 * The expression parser, table-driven: literals, precedence and associativity,
 * names, calls, lists, comments, spans, and every kind of problem (code and
 * span are asserted; the wording is free to improve).
 */
import { describe, expect, it } from 'vitest';
import { parseExpression, printExpr, type Expr, type Span, type SyntaxProblem } from '../../grammar/index.ts';

/** A compact, fully parenthesised rendering that makes the tree shape visible. */
function sexp(e: Expr): string {
  switch (e.kind) {
    case 'number': return String(e.value);
    case 'string': return JSON.stringify(e.value);
    case 'date': return `#${e.value}`;
    case 'bool': return String(e.value);
    case 'null': return 'null';
    case 'combo': return `{${[e.code, ...e.modifiers].join(' ')}}`;
    case 'list': return `[${e.items.map(sexp).join(' ')}]`;
    case 'name': return e.name;
    case 'other': return `other.${e.name}`;
    case 'unary': return `(${e.op} ${sexp(e.operand)})`;
    case 'binary': return `(${e.op} ${sexp(e.left)} ${sexp(e.right)})`;
    case 'call': return `${e.callee}(${e.args.map(sexp).join(' ')})`;
    case 'if': return `(if ${sexp(e.cond)} ${sexp(e.then)} ${sexp(e.else)})`;
  }
}

function ok(text: string): Expr {
  const r = parseExpression(text);
  expect(r.problems, text).toEqual([]);
  expect(r.expr, text).toBeDefined();
  return r.expr!;
}

function problemOf(text: string): SyntaxProblem {
  const r = parseExpression(text);
  expect(r.expr, text).toBeUndefined();
  expect(r.problems, text).toHaveLength(1);
  return r.problems[0]!;
}

const shape = (text: string): string => sexp(ok(text));

describe('literals', () => {
  it.each([
    ['15', { kind: 'number', value: 15 }],
    ['7.5', { kind: 'number', value: 7.5 }],
    ['0', { kind: 'number', value: 0 }],
    ['"RN"', { kind: 'string', value: 'RN' }],
    ["'RN'", { kind: 'string', value: 'RN' }],
    ['""', { kind: 'string', value: '' }],
    [String.raw`"a\\b\"c\'d\ne\tf\u0041"`, { kind: 'string', value: 'a\\b"c\'d\ne\tfA' }],
    [String.raw`'it\'s "quoted"'`, { kind: 'string', value: 'it\'s "quoted"' }],
    ['2024-03-31', { kind: 'date', value: '2024-03-31' }],
    ['true', { kind: 'bool', value: true }],
    ['false', { kind: 'bool', value: false }],
    ['null', { kind: 'null' }],
    ['G9007', { kind: 'combo', code: 'G9007', modifiers: [] }],
    ['T2040:U6', { kind: 'combo', code: 'T2040', modifiers: ['U6'] }],
    ['G9008:U1:95', { kind: 'combo', code: 'G9008', modifiers: ['U1', '95'] }],
  ])('%s', (text, expected) => {
    expect(ok(text)).toMatchObject(expected);
  });

  it.each([
    ['[]', '[]'],
    ['[1]', '[1]'],
    ['[a, "b", T2040:U6]', '[a "b" {T2040 U6}]'],
    ['[a, b,]', '[a b]'],
    ['[[1, 2], []]', '[[1 2] []]'],
    ['[if a then 1 else 2, x or y]', '[(if a 1 2) (or x y)]'],
  ])('list %s', (text, expected) => {
    expect(shape(text)).toBe(expected);
  });
});

describe('names, other fields and calls', () => {
  it.each([
    ['minutes', 'minutes'],
    ['_x1', '_x1'],
    ['other.combination', 'other.combination'],
    ['other . combination', 'other.combination'],
    ['f()', 'f()'],
    ['whole(units)', 'whole(units)'],
    ['any(memberDay, other.combination == T2050:U6)', 'any(memberDay (== other.combination {T2050 U6}))'],
    ['f(g(x), [1])', 'f(g(x) [1])'],
  ])('%s', (text, expected) => {
    expect(shape(text)).toBe(expected);
  });

  it.each(['order', 'notes', 'index', 'android', 'iffy', 'thenx', 'elsewhere', 'trueish', 'falsey', 'nullable', 'others', 'other_x', 'inner', 'G9007x', 'T2040_1', 'T20401'])(
    'keyword- or code-prefixed identifier %s is one name',
    (text) => {
      expect(ok(text)).toMatchObject({ kind: 'name', name: text });
    },
  );

  it('a keyword-prefixed callee is a call', () => {
    expect(shape('notify(order, index)')).toBe('notify(order index)');
  });
});

describe('precedence and associativity', () => {
  it.each([
    ['a + b * c', '(+ a (* b c))'],
    ['a * b + c', '(+ (* a b) c)'],
    ['a - b - c', '(- (- a b) c)'],
    ['a / b / c', '(/ (/ a b) c)'],
    ['a - b + c', '(+ (- a b) c)'],
    ['(a - b) * c', '(* (- a b) c)'],
    ['a - (b - c)', '(- a (- b c))'],
    ['-a * b', '(* (- a) b)'],
    ['- -a', '(- (- a))'],
    ['--a', '(- (- a))'],
    ['a - -1', '(- a (- 1))'],
    ['a + b < c * d', '(< (+ a b) (* c d))'],
    ['a == b and c != d', '(and (== a b) (!= c d))'],
    ['a or b and c', '(or a (and b c))'],
    ['a and b or c', '(or (and a b) c)'],
    ['a or b or c', '(or (or a b) c)'],
    ['a and b and c', '(and (and a b) c)'],
    ['not a and b', '(and (not a) b)'],
    ['not a == b', '(not (== a b))'],
    ['not not a', '(not (not a))'],
    ['a < b', '(< a b)'],
    ['a <= b', '(<= a b)'],
    ['a > b', '(> a b)'],
    ['a >= b', '(>= a b)'],
    ['a in [1, 2]', '(in a [1 2])'],
    ['a not in b', '(not in a b)'],
    ['not a not in b', '(not (not in a b))'],
    ['a + 1 in b', '(in (+ a 1) b)'],
    ['(a == b) == c', '(== (== a b) c)'],
    ['2024-03-31 - 1', '(- #2024-03-31 1)'],
    ['5-3', '(- 5 3)'],
  ])('%s', (text, expected) => {
    expect(shape(text)).toBe(expected);
  });

  it.each([
    ['if a then b else c', '(if a b c)'],
    ['if a then b else c or d', '(if a b (or c d))'],
    ['if a or b then 1 else 2', '(if (or a b) 1 2)'],
    ['if a then if b then 1 else 2 else 3', '(if a (if b 1 2) 3)'],
    ['if a then 1 else if b then 2 else 3', '(if a 1 (if b 2 3))'],
    ['(if a then 1 else 2) + 3', '(+ (if a 1 2) 3)'],
    ['f(if a then 1 else 2)', 'f((if a 1 2))'],
    ['if (if a then b else c) then 1 else 2', '(if (if a b c) 1 2)'],
  ])('if: %s', (text, expected) => {
    expect(shape(text)).toBe(expected);
  });
});

describe('whitespace and comments', () => {
  it.each([
    ['a\n  and b', '(and a b)'],
    ['\ta\t+\r\n1\n', '(+ a 1)'],
    ['a # the first\nand b # the second', '(and a b)'],
    ['# leading comment\nminutes > 0', '(> minutes 0)'],
    ['"# not a comment"', '"# not a comment"'],
  ])('%j', (text, expected) => {
    expect(shape(text)).toBe(expected);
  });
});

describe('spans', () => {
  const span = (s: Span): [number, number] => [s.start, s.end];

  it('literal, name and binary spans are offsets, end exclusive', () => {
    const e = ok('minutes >= 15');
    expect(e.kind).toBe('binary');
    if (e.kind !== 'binary') return;
    expect(span(e.span)).toEqual([0, 13]);
    expect(span(e.left.span)).toEqual([0, 7]);
    expect(span(e.right.span)).toEqual([11, 13]);
  });

  it('a parenthesised node widens its span to the parentheses', () => {
    const e = ok('(a + b) * c');
    if (e.kind !== 'binary' || e.left.kind !== 'binary') throw new Error('shape');
    expect(span(e.span)).toEqual([0, 11]);
    expect(span(e.left.span)).toEqual([0, 7]);
    expect(span(e.left.left.span)).toEqual([1, 2]);
    expect(ok(' ( a ) ').span).toEqual({ start: 1, end: 6 });
  });

  it('prefix operators, calls, other fields, lists, strings and ifs', () => {
    const text = 'not -x == f(a, "s") and other.y in [1] or (if c then 1 else 22)';
    const e = ok(text);
    const slice = (s: Span): string => text.slice(s.start, s.end);
    if (e.kind !== 'binary' || e.left.kind !== 'binary' || e.right.kind !== 'if') throw new Error('shape');
    expect(slice(e.right.span)).toBe('(if c then 1 else 22)');
    const [notSide, inSide] = [e.left.left, e.left.right];
    expect(slice(notSide.span)).toBe('not -x == f(a, "s")');
    if (notSide.kind !== 'unary' || notSide.operand.kind !== 'binary' || inSide.kind !== 'binary') throw new Error('shape');
    expect(slice(notSide.operand.left.span)).toBe('-x');
    const call = notSide.operand.right;
    if (call.kind !== 'call') throw new Error('shape');
    expect(slice(call.span)).toBe('f(a, "s")');
    expect(slice(call.calleeSpan)).toBe('f');
    expect(slice(call.args[1]!.span)).toBe('"s"');
    expect(slice(inSide.left.span)).toBe('other.y');
    expect(slice(inSide.right.span)).toBe('[1]');
  });

  it('spans count characters across lines', () => {
    const e = ok('a and\n  b');
    if (e.kind !== 'binary') throw new Error('shape');
    expect(e.right.span).toEqual({ start: 8, end: 9 });
  });
});

describe('problems: one mistake, one problem, located', () => {
  it.each<[string, SyntaxProblem['code'], number, number]>([
    // lexing: the bad character
    ['a $ b', 'expr-lex', 2, 3],
    ['a & b', 'expr-lex', 2, 3],
    ['x:y', 'expr-lex', 1, 2],
    ['a = b', 'expr-lex', 2, 3],
    ['a ! b', 'expr-lex', 2, 3],
    ['"abc', 'expr-lex', 0, 1], // unterminated string: its opening quote
    ["a == 'x\n'", 'expr-lex', 5, 6], // a string cannot span lines
    [String.raw`"a\qb"`, 'expr-lex', 2, 4], // bad escape: the escape
    [String.raw`"\u12"`, 'expr-lex', 1, 3],
    // empty: the whole text
    ['', 'expr-syntax', 0, 0],
    ['   \n ', 'expr-syntax', 0, 5],
    ['# only a comment', 'expr-syntax', 0, 16],
    // unclosed bracket at the end of input: the opening bracket
    ['(a and b', 'expr-syntax', 0, 1],
    ['x or (a and (b', 'expr-syntax', 12, 13],
    ['f(a, b', 'expr-syntax', 1, 2],
    ['[a, b', 'expr-syntax', 0, 1],
    ['[a,', 'expr-syntax', 0, 1],
    // unexpected token: that token
    ['(a b)', 'expr-syntax', 3, 4],
    ['f(a b)', 'expr-syntax', 4, 5],
    ['[,]', 'expr-syntax', 1, 2],
    ['then', 'expr-syntax', 0, 4],
    ['a and or b', 'expr-syntax', 6, 8],
    [')', 'expr-syntax', 0, 1],
    ['if a b else c', 'expr-syntax', 5, 6],
    ['a not b', 'expr-syntax', 6, 7],
    ['a or if c then 1 else 2', 'expr-syntax', 5, 7], // an if inside an operator needs parentheses
    ['other.and', 'expr-syntax', 6, 9],
    ['other x', 'expr-syntax', 6, 7],
    ['f(a,)', 'expr-syntax', 4, 5],
    // trailing garbage after a complete expression: the first extra token
    ['a b', 'expr-syntax', 2, 3],
    ['a == b == c', 'expr-syntax', 7, 9],
    ['a)', 'expr-syntax', 1, 2],
    ['f(x) y', 'expr-syntax', 5, 6],
    ['15abc', 'expr-syntax', 2, 5],
    // something missing at the end of input: zero-width at text.length
    ['a ==', 'expr-syntax', 4, 4],
    ['a and ', 'expr-syntax', 6, 6],
    ['-', 'expr-syntax', 1, 1],
    ['if a then b', 'expr-syntax', 11, 11],
    ['if a', 'expr-syntax', 4, 4],
    ['other', 'expr-syntax', 5, 5],
    ['other.', 'expr-syntax', 6, 6],
    ['not', 'expr-syntax', 3, 3],
  ])('%j → %s at [%i, %i)', (text, code, start, end) => {
    const p = problemOf(text);
    expect(p.code).toBe(code);
    expect(p.span).toEqual({ start, end });
    expect(p.message).not.toMatch(/Expecting|-->|token of type/);
    expect(p.hint.length).toBeGreaterThan(0);
  });

  it('words the common mistakes plainly', () => {
    expect(problemOf('a $ b')).toMatchObject({ message: 'unexpected character "$"', hint: expect.stringContaining('== != <') });
    expect(problemOf('a = b').hint).toContain('use == to compare');
    expect(problemOf('(a and b')).toMatchObject({ message: 'missing ")"', hint: 'add ")" to close this "("' });
    expect(problemOf('then')).toMatchObject({ message: 'unexpected "then"', hint: expect.stringContaining('expected a value, a name or "("') });
    expect(problemOf('a b')).toMatchObject({ message: 'unexpected "b" after the end of the expression', hint: 'join the parts with "and", "or" or an operator' });
    expect(problemOf('').message).toBe('empty expression');
    expect(problemOf('if a then b').message).toBe('missing "else"');
  });
});

describe('printing', () => {
  it.each([
    ['a+b*c', 'a + b * c'],
    ['(a+b)*c', '(a + b) * c'],
    ['a-(b-c)', 'a - (b - c)'],
    ['(a or b) and c', '(a or b) and c'],
    ['not (a and b)', 'not (a and b)'],
    ['-(a + b)', '-(a + b)'],
    ['(a == b) == c', '(a == b) == c'],
    ['(if a then 1 else 2) + 3', '(if a then 1 else 2) + 3'],
    ["'it\\'s'", '"it\'s"'],
    ['[a,b,]', '[a, b]'],
    ['a not in  [T2040:U6]', 'a not in [T2040:U6]'],
  ])('%s prints as %s', (text, printed) => {
    expect(printExpr(ok(text))).toBe(printed);
  });
});
