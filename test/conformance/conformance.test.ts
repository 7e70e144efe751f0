/**
 * The conformance suite: every case of cases.yaml through every back end. An expression case gives the expression's value for a line
 * and the other lines of its input, or the diagnostic code it must not
 * compile with; a rule case adds a rule to the conformance guidance and gives
 * the messages of its findings on each line. The meaning is docs/semantics.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../../compiler/diagnostics.ts';
import type { ProbeOutcome } from '../../compiler/probe.ts';
import { mustLoad } from '../helpers.ts';
import {
  BACKENDS, CONFORMANCE_GUIDANCE, isRuleCase, lineAt, loadWithRule, messagesOf, probeOf, readCases,
  type Case, type ExpressionCase, type RuleCase,
} from './backends.ts';

const FILES = ['test/conformance/cases.yaml'];

const CASES: { file: string; i: number; c: Case }[] = FILES.flatMap((file) => readCases(file).map((c, i) => ({ file, i, c })));
const EXPRESSIONS = CASES.filter((x): x is { file: string; i: number; c: ExpressionCase } => !isRuleCase(x.c));
const RULES = CASES.filter((x): x is { file: string; i: number; c: RuleCase } => isRuleCase(x.c));

/** What a case expects, in the form a probe gives it. */
function wanted(c: ExpressionCase): ProbeOutcome | { error: string } {
  return c.error !== undefined ? { error: c.error } : { value: c.result };
}

/** A probe outcome without the message (which cases do not fix). */
function comparable(o: ProbeOutcome): ProbeOutcome | { error: string } {
  return 'error' in o ? { error: o.error } : o;
}

function title(file: string, i: number, c: Case): string {
  const where = `${file.replace(/^.*\//, '')} #${i + 1}`;
  return isRuleCase(c) ? `${where} rule: ${c.name}` : `${where}: ${c.expression}${c.line ? ` | line ${JSON.stringify(c.line)}` : ''}${c.others ? ` | ${c.others.length} other(s)` : ''}`;
}

describe('the case files', () => {
  it('hold at least 150 cases of today\'s language', () => {
    expect(readCases('test/conformance/cases.yaml').length).toBeGreaterThanOrEqual(150);
  });

  it('name only diagnostic codes the compiler has (cases.yaml)', () => {
    const codes = new Set([...Object.keys(DIAGNOSTIC_CODES), 'expr-lex', 'expr-syntax']);
    const unknown = readCases('test/conformance/cases.yaml').flatMap((c) => (c.error !== undefined && !codes.has(c.error) ? [c.error] : []));
    expect(unknown).toEqual([]);
  });

  it('judge classified lines: every case\'s judged line is a catalogue combination', async () => {
    const rs = mustLoad(CONFORMANCE_GUIDANCE).versions[0]!;
    const [reference] = BACKENDS;
    const outcomes = await reference!.probe(rs, EXPRESSIONS.map(({ c }) => ({ ...probeOf(c), expression: 'true' })));
    const unclassified = EXPRESSIONS.filter((_, k) => 'error' in outcomes[k]!).map(({ file, i, c }) => title(file, i, c));
    expect(unclassified).toEqual([]);
  });
});

afterAll(async () => { for (const backend of BACKENDS) await backend.close?.(); }, 60_000);

for (const backend of BACKENDS) {
  describe(`expressions through the ${backend.name}`, () => {
    let outcomes: ProbeOutcome[] = [];
    beforeAll(async () => {
      const rs = mustLoad(CONFORMANCE_GUIDANCE).versions[0]!;
      outcomes = await backend.probe(rs, EXPRESSIONS.map(({ c }) => probeOf(c)));
    }, 120_000);
    EXPRESSIONS.forEach(({ file, i, c }, k) => {
      it(title(file, i, c), () => {
        const got = outcomes[k]!;
        expect(comparable(got), 'error' in got ? got.message : '').toEqual(wanted(c));
      });
    });
  });

  describe(`rules through the ${backend.name}`, () => {
    for (const { file, i, c } of RULES) {
      it(title(file, i, c), async () => {
        const loaded = loadWithRule(c);
        const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
        if (c.error !== undefined) {
          expect(errors.map((d) => d.code)).toEqual([c.error]);
          return;
        }
        expect(errors.map((d) => `${d.code}: ${d.message}`)).toEqual([]);
        const results = await backend.judge(loaded, c.lines.map((l, n) => lineAt(n, l)));
        expect(messagesOf(results, String(c.rule.id))).toEqual(c.messages);
      });
    }
  });
}
