/** The run's counts: the summary and the report draw on the same numbers, with or without the report's detail. */
import { describe, expect, it } from 'vitest';
import { monthOf, RunStats, summaryText } from '../../compiler/report/stats.ts';
import { escapeHtml, monthChart } from '../../compiler/report/html.ts';

const base = { claimId: 'C1', lineNumber: 1, program: null, service: null, delivery: null, staff: null, outreach: null, billableUnits: null, guidanceVersion: '1.2' };
const finding = (rule: string, severity: 'error' | 'warning') => ({ rule, category: rule, severity, message: `${rule} here`, cite: '' });
const results = [
  { ...base, index: 0, status: 'accepted' as const, service: 'Day Habilitation Programs', findings: [] },
  { ...base, index: 1, status: 'rejected' as const, findings: [finding('units-mismatch', 'error'), finding('outreach', 'warning')] },
  { ...base, index: 2, status: 'rejected' as const, findings: [finding('units-mismatch', 'error')] },
  { ...base, index: 3, status: 'invalid' as const, guidanceVersion: null, findings: [finding('invalid-record', 'error')] },
];
const months = ['2024-04', '2024-04', '2024-05', null];

describe('run counts', () => {
  it('the summary is the same with or without the report detail', () => {
    const plain = new RunStats(false);
    const detailed = new RunStats(true);
    results.forEach((r, i) => { plain.add(r, months[i]!); detailed.add(r, months[i]!); });
    expect(summaryText(plain, 'out.jsonl')).toBe(summaryText(detailed, 'out.jsonl'));
    expect(summaryText(plain, null)).toMatch(/^codeguide: 4 lines\n {2}accepted {13}1\n {2}rejected {13}2\n {2}out-of-scope {9}0\n {2}invalid {14}1\nfindings by category:\n {2}units-mismatch {14}2 errors\n/);
    expect(plain.failed).toBe(3);
    expect(detailed.topRules(1)[0]).toMatchObject({ rule: 'units-mismatch', count: 2, examples: [{ index: 1 }, { index: 2 }] });
    expect([...detailed.byMonth.entries()]).toEqual([['2024-04', { lines: 2, errors: 1, warnings: 1 }], ['2024-05', { lines: 1, errors: 1, warnings: 0 }], ['(no date)', { lines: 1, errors: 1, warnings: 0 }]]);
    expect(detailed.byEdition.get('(none)')).toBe(1);
    expect(monthChart(detailed)).toMatch(/^<svg[^]*<rect[^]*class="warn"[^]*<\/svg>$/);
  });

  it('months of service only from a well-formed date; text made safe for HTML', () => {
    expect([monthOf({ serviceDate: '2024-04-30' }), monthOf({ serviceDate: '2024-13-01' }), monthOf({ serviceDate: 20240401 }), monthOf(null), monthOf([])]).toEqual(['2024-04', null, null, null, null]);
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('the same counts, examples and order whatever order the results are counted in (a sharded run counts shard by shard)', async () => {
    const { renderReport } = await import('../../compiler/report/html.ts');
    const { prng } = await import('../tools/prng.ts');
    const rand = prng(4);
    const rules = [['units-mismatch', 'error'], ['units-mismatch', 'warning'], ['outreach', 'warning'], ['exclusive', 'error'], ['staff', 'error']] as const;
    // Two severities of one rule with equal counts: only where each first fired can order them.
    const many = Array.from({ length: 400 }, (_, i) => {
      const picked = rules.filter(() => rand() < 0.3);
      return { ...base, index: i, status: picked.length > 0 ? 'rejected' as const : 'accepted' as const, service: `S${Math.floor(rand() * 5)}`, findings: picked.map(([r, s]) => finding(r, s)) };
    });
    many[0] = { ...many[0]!, findings: [finding('tie', 'warning'), finding('tie', 'error')] };
    many[1] = { ...many[1]!, findings: [finding('tie', 'error'), finding('tie', 'warning')] };
    const monthOfLine = (i: number) => (i % 7 === 0 ? null : `2024-0${1 + (i % 9)}`);
    const inOrder = new RunStats(true);
    many.forEach((r, i) => inOrder.add(r, monthOfLine(i)));
    const info = { input: 'in.jsonl', format: 'jsonl', outPath: null, seconds: 1, guidance: 'g', title: 't', versions: ['1.2'] };
    for (const seed of [1, 2, 3]) {
      const order = many.map((_, i) => i);
      const shuffle = prng(seed);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(shuffle() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const shuffled = new RunStats(true);
      for (const i of order) shuffled.add(many[i]!, monthOfLine(i));
      expect(shuffled.topRules(20)).toEqual(inOrder.topRules(20));
      expect(summaryText(shuffled, null)).toBe(summaryText(inOrder, null));
      expect(renderReport(shuffled, info)).toBe(renderReport(inOrder, info));
    }
    const tie = inOrder.topRules(20).filter((r) => r.rule === 'tie');
    expect(tie.map((r) => r.severity)).toEqual(['warning', 'error']);
    expect(inOrder.topRules(1)[0]!.examples.map((e) => e.index)).toEqual(inOrder.topRules(1)[0]!.examples.map((e) => e.index).sort((a, b) => a - b));
  });
});
