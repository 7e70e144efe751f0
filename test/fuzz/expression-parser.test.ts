/**
 * Fuzzing the expression parser: mutations of every real expression (DHCS and
 * mini rules) and grammar-shaped token soup, including runs long and deep
 * enough to pass the limits. No input may throw; every input gives either a
 * tree within the depth limit or exactly one located problem with a known
 * code. A sample of inputs also goes through the whole compiler as a rule's
 * condition. Inputs that once failed are kept in
 * test/fixtures/fuzz/expression-parser/ and run first.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadRules } from '../../compiler/compile.ts';
import { DIAGNOSTIC_CODES } from '../../compiler/diagnostics.ts';
import { EXPRESSION_LIMITS, parseExpression, type Expr } from '../../grammar/index.ts';
import { DHCS, MINI } from '../helpers.ts';
import { fuzzRuns, reportFuzz } from './budget.ts';

const FIXTURES = 'test/fixtures/fuzz/expression-parser';
const PROBLEM_CODES = ['expr-lex', 'expr-syntax', 'expr-too-deep', 'expr-too-long'];
const work = mkdtempSync(join(tmpdir(), 'codeguide-fuzz-expr-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every condition and unit expression of the shipped rule sets. */
function corpus(): string[] {
  const texts: string[] = [];
  for (const dir of [join(DHCS, '1.2'), join(MINI, '1.0')]) {
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      const data = parse(readFileSync(join(dir, name), 'utf8')) as { rules?: { when?: string }[]; unitBases?: Record<string, { billableUnits?: string }> };
      for (const r of data.rules ?? []) if (r.when) texts.push(r.when);
      for (const u of Object.values(data.unitBases ?? {})) if (u.billableUnits) texts.push(u.billableUnits);
    }
  }
  return texts;
}

const SEEDS = corpus();
const TOKENS = [
  'units', 'minutes', 'other.combination', 'any(memberDay, ', 'count(member, ', 'whole(', 'ruleOfEights(', '15', '7.5', '"RN"', "'x'", '2024-03-31',
  'T2040:U6', 'G9007', 'true', 'null', 'and', 'or', 'not', 'in', 'not in', 'if', 'then', 'else', '==', '!=', '<', '<=', '>=', '+', '-', '*', '/',
  '(', ')', '[', ']', ',', '.', ':', '# note\n', '\n', '\t', '"', '\\', '\u2028', '\ufffd', '\u0000', '𝄞', 'é',
];

/** One edit of an expression text; `at` and `len` are taken modulo the text. */
const edit = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), token: fc.constantFrom(...TOKENS) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }), times: fc.integer({ min: 2, max: 3000 }) }),
  fc.record({ kind: fc.constant('wrap' as const), open: fc.constantFrom('(', '[', 'not ', '-', 'f(', 'if a then b else ', 'x or ', 'x + '), times: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant('char' as const), at: fc.nat(), char: fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }) }),
);
type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never;

const CLOSE: Record<string, string> = { '(': ')', '[': ']', 'f(': ')' };

function apply(text: string, e: Edit): string {
  const n = Math.max(1, text.length);
  switch (e.kind) {
    case 'insert': { const i = e.at % (text.length + 1); return `${text.slice(0, i)} ${e.token} ${text.slice(i)}`; }
    case 'delete': { const i = e.at % n; return text.slice(0, i) + text.slice(i + e.len); }
    case 'duplicate': { const i = e.at % n; return text.slice(0, i + e.len) + text.slice(i); }
    case 'repeat': { const i = e.at % n; const piece = text.slice(i, i + e.len); return text.slice(0, i) + piece.repeat(e.times) + text.slice(i + e.len); }
    case 'wrap': return e.open.repeat(e.times) + text + (CLOSE[e.open] ?? '').repeat(e.times);
    case 'char': { const i = e.at % (text.length + 1); return text.slice(0, i) + e.char + text.slice(i); }
  }
}

const mutated = fc.tuple(fc.constantFrom(...SEEDS), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([seed, edits]) => edits.reduce(apply, seed));
const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((parts) => parts.join(' '));
const input = fc.oneof({ weight: 6, arbitrary: mutated }, { weight: 2, arbitrary: soup }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) });

/** Depth of a tree without recursion (parentheses are not in the tree, so this is at most the limit's count). */
function depthOf(root: Expr): number {
  let max = 0;
  const stack: [Expr, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [e, d] = stack.pop()!;
    max = Math.max(max, d);
    const kids = e.kind === 'unary' ? [e.operand] : e.kind === 'binary' ? [e.left, e.right] : e.kind === 'list' ? e.items : e.kind === 'call' ? e.args : e.kind === 'if' ? [e.cond, e.then, e.else] : [];
    for (const k of kids) stack.push([k, d + 1]);
  }
  return max;
}

/** The parser's contract for one input; throws (an assertion) when it is broken. */
function checkParse(text: string): void {
  const r = parseExpression(text);
  if (r.expr) {
    expect(r.problems).toEqual([]);
    expect(depthOf(r.expr)).toBeLessThanOrEqual(EXPRESSION_LIMITS.maxDepth);
    return;
  }
  expect(r.problems).toHaveLength(1);
  const p = r.problems[0]!;
  expect(PROBLEM_CODES).toContain(p.code);
  expect(p.message).not.toMatch(/internal error|stack/i);
  expect(p.hint.length).toBeGreaterThan(0);
  expect(p.span.start).toBeGreaterThanOrEqual(0);
  expect(p.span.start).toBeLessThanOrEqual(p.span.end);
  expect(p.span.end).toBeLessThanOrEqual(text.length);
}

/** The whole compiler with `text` as the mini amount rule's condition: a bundle or located diagnostics, never an exception. */
const RULE = 'when: amountRequired and not (amount > 0)';
const miniDir = join(work, 'mini-guidance');
mkdirSync(miniDir, { recursive: true });
cpSync(MINI, miniDir, { recursive: true });
const rulesPath = join(miniDir, '1.0', 'rules.yaml');
const rulesText = readFileSync(rulesPath, 'utf8');

function checkCompile(text: string): void {
  // A block scalar keeps the text as it is (a line break inside becomes part of the expression).
  const block = `when: |-\n${text.split(/\r\n|\r|\n/).map((l) => `      ${l}`).join('\n')}`;
  writeFileSync(rulesPath, rulesText.replace(RULE, () => block));
  const loaded = loadRules(miniDir);
  for (const d of loaded.diagnostics) {
    expect(Object.keys(DIAGNOSTIC_CODES)).toContain(d.code);
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.col).toBeGreaterThanOrEqual(1);
    expect(d.message).not.toMatch(/internal error|Maximum call stack/i);
  }
  if (loaded.versions.length === 0) expect(loaded.diagnostics.some((d) => d.severity === 'error')).toBe(true);
}

function fixtures(): [string, string][] {
  return readdirSync(FIXTURES).filter((f) => f.endsWith('.txt')).sort().map((f) => [f, readFileSync(join(FIXTURES, f), 'utf8')]);
}

describe('fuzz: the expression parser', () => {
  it('regression fixtures: parsed and compiled without an exception', () => {
    const found = fixtures();
    expect(found.length).toBeGreaterThan(0);
    for (const [name, text] of found) {
      expect(() => checkParse(text), name).not.toThrow();
      expect(() => checkCompile(text), name).not.toThrow();
    }
  });

  it('mutated rule expressions and token soup: no exception, one located problem or a tree within the limit', () => {
    const runs = fuzzRuns(5000, 100_000);
    const compileEvery = process.env.FUZZ === '1' ? 200 : 50;
    let inputs = 0;
    let crashes = 0;
    const result = fc.check(
      fc.property(input, (text) => {
        inputs++;
        try {
          checkParse(text);
          if (inputs % compileEvery === 0) checkCompile(text);
          return true;
        } catch (err) {
          crashes++;
          throw err;
        }
      }),
      { numRuns: runs, seed: Number(process.env.FUZZ_SEED ?? 20261127), endOnFailure: true },
    );
    reportFuzz('expression-parser', { inputs, crashes, lost: 0 });
    if (result.failed) {
      const text = String(result.counterexample?.[0] ?? '');
      const kept = join(tmpdir(), 'expression-parser.found.txt');
      writeFileSync(kept, text);
      expect.fail(`input ${JSON.stringify(text.slice(0, 300))} failed: ${String(result.errorInstance ?? '')}\nthe text is in ${kept}: keep it as a fixture in ${FIXTURES}/`);
    }
    expect(inputs).toBeGreaterThanOrEqual(runs);
  }, 1_800_000); // a fixed number of inputs however busy the machine is: no time limit of its own
});
