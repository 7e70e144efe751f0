/**
 * The compiler under hostile rule files: expression depth and size, YAML
 * nesting, file size and encoding each have a limit with its own diagnostic,
 * located in the file; inputs at a limit still compile all the way to a
 * bundle that runs; inputs past it never reach the recursive later phases.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileBundle, loadRules } from '../../compiler/compile.ts';
import { formatDiagnostic, type Diagnostic } from '../../compiler/diagnostics.ts';
import { loadBundle } from '../../compiler/examples.ts';
import { interpret } from '../../compiler/interpret.ts';
import { loadSource, RULE_FILE_LIMITS } from '../../compiler/source.ts';
import { EXPRESSION_LIMITS, parseExpression } from '../../grammar/index.ts';
import { lexer } from '../../grammar/lexer.ts';
import { DHCS, MINI } from '../helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'codeguide-limits-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const AMOUNT_RULE = 'when: amountRequired and not (amount > 0)';
const { maxDepth, maxTokens } = EXPRESSION_LIMITS;

/** A copy of the mini rule set with the amount-required rule's condition replaced. */
function miniWithCondition(name: string, when: string): string {
  const dir = join(work, name, 'mini-guidance');
  mkdirSync(dir, { recursive: true });
  cpSync(MINI, dir, { recursive: true });
  const path = join(dir, '1.0', 'rules.yaml');
  const text = readFileSync(path, 'utf8');
  expect(text).toContain(AMOUNT_RULE);
  writeFileSync(path, text.replace(AMOUNT_RULE, `when: ${when}`));
  return dir;
}

/** The one error of a load, which must be located on the rule's line, inside the expression. */
function oneError(dir: string, code: string): Diagnostic {
  const loaded = loadRules(dir);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map((d) => d.code), errors.map(formatDiagnostic).join('\n')).toEqual([code]);
  const d = errors[0]!;
  expect(d.file.endsWith(join('1.0', 'rules.yaml'))).toBe(true);
  const lines = readFileSync(join(dir, '1.0', 'rules.yaml'), 'utf8').split('\n');
  expect(lines[d.line - 1]).toContain('when: ');
  expect(d.col).toBeGreaterThan('    when: '.length);
  expect(d.message).not.toMatch(/stack|internal error/i);
  return d;
}

/** Conditions of depth exactly `n` (n ≥ 2), of each shape the limit must cover. Each is a bool over the mini rule set's fields. */
const SHAPES: Record<string, (n: number) => string> = {
  'a chain of not': (n) => `${'not '.repeat(n - 2)}(amount > 0)`,
  'nested parentheses': (n) => `${'('.repeat(n - 1)}amount > 0${')'.repeat(n - 1)}`,
  'a chain of or': (n) => ['amount > 0', ...Array.from({ length: n - 1 }, (_, i) => `units > ${i + 1}`)].join(' or '),
  'a chain of +': (n) => `${Array.from({ length: n - 1 }, (_, i) => String(i)).join(' + ')} + units > 0`,
  'nested if-expressions': (n) => `${'if units > 1 then false else '.repeat(n - 1)}amount > 0`,
  'nested lists': (n) => `units in ${'['.repeat(n - 1)}1${']'.repeat(n - 1)}`,
};

describe('expression limits', () => {
  it('every shape is read at the limit', () => {
    for (const [shape, make] of Object.entries(SHAPES)) {
      expect(parseExpression(make(maxDepth)).problems, shape).toEqual([]);
      expect(parseExpression(make(10)).problems, shape).toEqual([]);
    }
  });

  for (const [shape, make] of Object.entries(SHAPES)) {
    it(`${shape}: one past the limit is expr-too-deep inside the expression`, () => {
      const r = parseExpression(make(maxDepth + 1));
      expect(r.expr).toBeUndefined();
      expect(r.problems.map((p) => p.code)).toEqual(['expr-too-deep']);
    });
  }

  for (const shape of ['a chain of not', 'nested parentheses', 'a chain of or', 'nested if-expressions']) {
    it(`${shape} at the limit compiles to a bundle that agrees with the interpreter`, async () => {
      const when = SHAPES[shape]!(maxDepth);
      const dir = miniWithCondition(`at-limit-${shape.replace(/\W+/g, '-')}`, when);
      const loaded = loadRules(dir);
      expect(loaded.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
      const bundle = await loadBundle(compileBundle(loaded).js);
      const lines = [1, 3].map((units, i) => ({ claimId: 'C', lineNumber: i + 1, memberId: 'M', serviceDate: '2024-04-01', procedureCode: 'H0044', modifiers: ['U6'], units, amount: 5 }));
      expect(bundle.validate(lines)).toEqual(interpret(loaded.versions, lines));
    });

    it(`${shape} one past the limit is one expr-too-deep at the rule, never a stack overflow`, () => {
      oneError(miniWithCondition(`past-limit-${shape.replace(/\W+/g, '-')}`, SHAPES[shape]!(maxDepth + 1)), 'expr-too-deep');
    });
  }

  it('the audit\'s inputs: not × 5,000, an or chain of 2,000 terms, 175 parentheses', () => {
    oneError(miniWithCondition('not-5000', `${'not '.repeat(5000)}(amount > 0)`), 'expr-too-long');
    oneError(miniWithCondition('or-2000', Array.from({ length: 2000 }, (_, i) => `units > ${i}`).join(' or ')), 'expr-too-long');
    const parens = oneError(miniWithCondition('parens-175', `${'('.repeat(175)}amount > 0${')'.repeat(175)}`), 'expr-too-deep');
    expect(parens.col).toBe('    when: '.length + maxDepth + 1); // the first "(" past the limit
  });

  it('size: the limit in tokens is allowed, one more is expr-too-long at that token', () => {
    const list = (items: number) => `units in [${Array.from({ length: items }, () => '1').join(', ')}]`;
    // units, in, [, items and commas, ] — 4 + 2 × items - 1 tokens
    const atLimit = list((maxTokens - 3) / 2 | 0);
    expect(parseExpression(atLimit).problems).toEqual([]);
    const over = `${atLimit} or units > 1`;
    const r = parseExpression(over);
    expect(r.problems.map((p) => p.code)).toEqual(['expr-too-long']);
    expect(r.problems[0]!.span.start).toBeGreaterThan(atLimit.length);
  });

  it('a hundred thousand opening brackets is a prompt, located diagnostic', () => {
    for (const open of ['(', '[', 'f(', 'if ']) {
      const r = parseExpression(open.repeat(100_000));
      expect(r.problems).toHaveLength(1);
      expect(['expr-too-deep', 'expr-too-long']).toContain(r.problems[0]!.code);
    }
  });

  it('every DHCS and mini expression uses at most half of each limit', () => {
    const half = maxDepth / 2;
    for (const dir of [join(DHCS, '1.2'), join(MINI, '1.0')]) {
      for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
        const data = parse(readFileSync(join(dir, name), 'utf8')) as { rules?: { when?: string }[]; unitBases?: Record<string, { billableUnits?: string }> };
        const texts = [...(data.rules ?? []).map((r) => r.when), ...Object.values(data.unitBases ?? {}).map((u) => u.billableUnits)].filter((t): t is string => t !== undefined);
        for (const text of texts) {
          // Half the depth is still free when the expression sits under half the limit of parentheses.
          expect(parseExpression(`${'('.repeat(half)}${text}${')'.repeat(half)}`).problems, text).toEqual([]);
          expect(lexer.tokenize(text).tokens.length, text).toBeLessThanOrEqual(maxTokens / 2);
        }
      }
    }
  });
});

describe('rule file limits', () => {
  const codeOf = (input: string | Uint8Array, size?: number) => loadSource('x.yaml', input, size).diagnostics.map((d) => d.code);

  it('YAML nesting at the limit loads; one deeper is yaml-too-deep at the collection that passes it', () => {
    const max = RULE_FILE_LIMITS.maxYamlDepth;
    expect(codeOf(`a: ${'['.repeat(max - 1)}1${']'.repeat(max - 1)}\n`)).toEqual([]);
    const r = loadSource('x.yaml', `a: ${'['.repeat(max)}1${']'.repeat(max)}\n`);
    expect(r.diagnostics.map((d) => [d.code, d.line, d.col])).toEqual([['yaml-too-deep', 1, 3 + max]]);
    const block = Array.from({ length: max + 5 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' x\n';
    expect(loadSource('x.yaml', block).diagnostics.map((d) => [d.code, d.line])).toEqual([['yaml-too-deep', max + 1]]);
    expect(codeOf(`${'- '.repeat(20_000)}x\n`)).toEqual(['yaml-too-deep']);
    expect(codeOf(`a: ${'{b: '.repeat(20_000)}`)).toEqual(['yaml-too-deep']);
  });

  it('aliases that nest past the limit, or inside what they repeat, are yaml-too-deep at the alias', () => {
    let text = 'a0: &a0 [[[[[[[[[[1]]]]]]]]]]\n';
    for (let i = 1; i < 8; i++) text += `a${i}: &a${i} [[[[[[*a${i - 1}]]]]]]\n`;
    const deep = loadSource('x.yaml', text).diagnostics;
    expect(deep.map((d) => d.code)).toEqual(['yaml-too-deep']);
    expect(deep[0]!.message).toMatch(/alias \*a\d/);
    const cycle = loadSource('x.yaml', 'a: 1\nb: &b [x, *b]\n').diagnostics;
    expect(cycle.map((d) => [d.code, d.line, d.col])).toEqual([['yaml-too-deep', 2, 11]]);
  });

  it('a file at the size limit is read; one byte more is file-too-large on the line where the limit ends', () => {
    const line = '# padding\n';
    const body = line.repeat(Math.floor(RULE_FILE_LIMITS.maxBytes / 2 / line.length));
    const atLimit = body + 'a: 1\n'.padEnd(RULE_FILE_LIMITS.maxBytes - body.length, ' ');
    expect(Buffer.byteLength(atLimit)).toBe(RULE_FILE_LIMITS.maxBytes);
    expect(codeOf(atLimit)).toEqual([]);
    const over = loadSource('x.yaml', Buffer.from(`${atLimit}x`));
    expect(over.diagnostics.map((d) => d.code)).toEqual(['file-too-large']);
    expect(over.diagnostics[0]!.line).toBe(atLimit.split('\n').length);
    // A read capped at limit + 1 bytes still names the size on disk.
    expect(loadSource('x.yaml', Buffer.alloc(RULE_FILE_LIMITS.maxBytes + 1, 0x20), 17e9).diagnostics[0]!.message).toContain('17000000000 bytes');
  });
});

describe('encoding', () => {
  const diag = (bytes: number[] | Buffer) => loadSource('x.yaml', Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes)).diagnostics;

  it('a Latin-1 file is bad-encoding at the line and column of the first bad byte, never U+FFFD in the rules', () => {
    const d = diag(Buffer.from('a: 1\nservice: "Caf\xe9 services"\ncite: "\xa7 3"\n', 'latin1'));
    expect(d.map((x) => [x.code, x.line, x.col])).toEqual([['bad-encoding', 2, 14]]);
    expect(d[0]!.message).toContain('0xE9');
    expect(d[0]!.message).toContain('"é"');
    expect(d[0]!.message).not.toContain('\ufffd');
  });

  it('names UTF-16, truncated, overlong and surrogate sequences', () => {
    expect(diag(Buffer.from('\ufeffa: 1\n', 'utf16le'))[0]!.message).toContain('UTF-16');
    for (const bad of [[0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xff]]) {
      const d = diag([0x61, 0x3a, 0x20, 0x22, ...bad, 0x22, 0x0a]);
      expect(d.map((x) => [x.code, x.line, x.col]), bad.join(' ')).toEqual([['bad-encoding', 1, 5]]);
    }
  });

  it('UTF-8 with or without a byte-order mark loads, non-ASCII text intact', () => {
    for (const prefix of ['', '\ufeff']) {
      const r = loadSource('x.yaml', Buffer.from(`${prefix}a: "Café — § 3 𝄞"\n`, 'utf8'));
      expect(r.diagnostics).toEqual([]);
      expect(r.file.data).toEqual({ a: 'Café — § 3 𝄞' });
    }
  });
});
