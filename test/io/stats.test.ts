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
});
