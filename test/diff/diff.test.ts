/**
 * The edition diff as data and as text and Markdown, on a fixture guidance
 * whose 2.0 adds, removes and changes entries, rules, dates, modifiers, sets
 * and citations relative to 1.0; and on the DHCS rules compared with themselves.
 */
import { describe, expect, it } from 'vitest';
import { diffRuleSets, isEmptyDiff, type EditionDiff } from '../../compiler/diff/diff.ts';
import { diffMarkdown, diffText } from '../../compiler/diff/print.ts';
import { DHCS, mustLoad } from '../helpers.ts';

export const FIXTURE = 'test/fixtures/diff/mini-guidance';
const v1 = mustLoad(FIXTURE, '1.0').versions[0]!;
const v2 = mustLoad(FIXTURE, '2.0').versions[0]!;
const d = diffRuleSets(v1, v2);

const section = (diff: EditionDiff, key: string) => diff.sections.find((s) => s.key === key);
const keys = (items: { key: string }[] | undefined) => (items ?? []).map((i) => i.key);

describe('diffRuleSets', () => {
  it('names the catalogue entries added, removed and changed, by combination', () => {
    const entries = section(d, 'entries');
    expect(keys(entries?.added)).toEqual(['T1016:U8']);
    expect(keys(entries?.removed)).toEqual(['H0044:U6']);
    expect(entries?.changed).toEqual([{ key: 'T2050:U6', label: 'T2050 U6', group: 'Community Supports', changes: [{ field: 'description', before: 'per diem', after: 'per diem (one unit a day)' }] }]);
    expect(entries?.added[0]!.fields['in force from']).toBe('2024-07-01');
  });

  it('names the rules added, removed and changed, by id, with the field that changed', () => {
    const rules = section(d, 'rules');
    expect(keys(rules?.added)).toEqual(['outreach-same-day']);
    expect(keys(rules?.removed)).toEqual(['amount-required']);
    expect(rules?.changed.map((c) => [c.key, c.changes])).toEqual([['not-reportable', [{ field: 'enforced from', before: null, after: '2025-03-31' }]]]);
  });

  it('names dates, modifiers and set items', () => {
    expect(keys(section(d, 'dates')?.added)).toEqual(['outreachStart', 'eightsEnforced']);
    expect(keys(section(d, 'modifiers')?.added)).toEqual(['U2']);
    expect(section(d, 'sets')?.changed).toEqual([{ key: 'nonClinical', label: 'nonClinical', group: null, changes: [{ field: 'items', before: 'CHW, MA', after: 'CHW, MA, DOULA' }] }]);
  });

  it('keeps citation-only changes apart; an item with other changes lists its citation among them', () => {
    expect(d.citations.map((c) => [c.section, c.key])).toEqual([['entries', 'G9007'], ['dates', 'added']]);
    const guidance = section(d, 'guidance')?.changed[0]!;
    expect(guidance.changes.map((c) => c.field)).toEqual(['published', 'compliance date', 'cite']);
  });

  it('is symmetric: the diff back swaps added and removed', () => {
    const back = diffRuleSets(v2, v1);
    expect(keys(section(back, 'entries')?.added)).toEqual(['H0044:U6']);
    expect(keys(section(back, 'entries')?.removed)).toEqual(['T1016:U8']);
    expect(section(back, 'rules')?.changed[0]!.changes).toEqual([{ field: 'enforced from', before: '2025-03-31', after: null }]);
  });

  it('finds nothing between an edition and itself', () => {
    for (const rs of mustLoad(DHCS).versions) {
      const same = diffRuleSets(rs, rs);
      expect(isEmptyDiff(same)).toBe(true);
      expect(diffText(same)).toMatch(/Summary: No changes\./);
    }
    expect(isEmptyDiff(d)).toBe(false);
  });
});

describe('the printed diff', () => {
  it('reads like Appendix A as text: a heading per kind, entries under their program, one line per item', () => {
    const text = diffText(d);
    expect(text).toMatch(/^Changes from mini-guidance 1\.0 to 2\.0\n/);
    expect(text).toContain('Catalogue\n  Added\n    Community Supports\n      - T1016 U8 — Housing Outreach: outreach to initiate housing services (per 15 minutes; in force from 2024-07-01; also with GQ (telehealth))\n');
    expect(text).toContain('      - H0044 U6 — Deposits: deposit (per diem; in force from 2022-01-01; also with GQ (telehealth))\n');
    expect(text).toContain('- T2050 U6: description: "per diem" → "per diem (one unit a day)"');
    expect(text).toContain('- outreach-same-day (exclusive-same-day, error): T1016 U8 and G9008 U8 may not be billed for one member on one day');
    expect(text).toContain('- not-reportable: enforced from: (none) → "2025-03-31"');
    expect(text).toContain('- nonClinical: items added DOULA');
    expect(text).toContain('Citations (only the citation changed)\n  - entry G9007: "Mini 1.0, Table 1" → "Mini 2.0, Table 1, row G9007"\n');
    expect(text).toMatch(/Summary: guidance: 1 changed; catalogue: 1 added, 1 removed, 1 changed; rules: 1 added, 1 removed, 1 changed; dates: 2 added; modifiers: 1 added; sets: 1 changed; citations: 2 changed\.\n$/);
  });

  it('as Markdown: a count table, sections, bold names, a citation table', () => {
    const md = diffMarkdown(d);
    expect(md).toMatch(/^# Changes from mini-guidance 1\.0 to 2\.0\n/);
    expect(md).toContain('| Catalogue | 1 | 1 | 1 |');
    expect(md).toContain('| Citations only | | | 2 |');
    expect(md).toContain('## Catalogue\n\n### Added\n\n**Community Supports**\n\n- **T1016 U8** — Housing Outreach');
    expect(md).toContain('| entry G9007 | Mini 1.0, Table 1 | Mini 2.0, Table 1, row G9007 |');
    // every table row has the same number of cells as its header
    for (const block of md.split('\n\n').filter((b) => b.startsWith('|'))) {
      const rows = block.split('\n');
      const cells = (r: string) => r.replace(/\\\|/g, '').split('|').length;
      for (const r of rows) expect(cells(r)).toBe(cells(rows[0]!));
    }
  });
});
