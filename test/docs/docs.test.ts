/**
 * `codeguide docs`: one edition as an analyst reads it, in HTML and Markdown —
 * every catalogue entry in a code table under its program and service, rules
 * in plain words with their examples, the changes from the base edition, and
 * rule-file text escaped wherever it lands.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../compiler/cli.ts';
import { docsHtml } from '../../compiler/docs/html.ts';
import { docsMarkdown } from '../../compiler/docs/markdown.ts';
import { editionView } from '../../compiler/docs/view.ts';
import { ruleWords } from '../../compiler/docs/words.ts';
import { isEmptyDiff } from '../../compiler/diff/diff.ts';
import { loadBase } from '../../compiler/diff/edition.ts';
import { baseName } from '../../compiler/diff/text-of.ts';
import { DHCS, MINI, mustLoad } from '../helpers.ts';

const FIXTURE = 'test/fixtures/diff/mini-guidance';
const work = mkdtempSync(join(tmpdir(), 'codeguide-docs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { write: (s) => { out += s; } }, { write: (s) => { err += s; } });
  return { code, out, err };
}

describe('the docs view', () => {
  const rs = mustLoad(DHCS).versions.at(-1)!;
  const view = editionView(rs, null, null);

  it('holds every catalogue entry once, under its program and service, in catalogue order', () => {
    const rows = view.tables.flatMap((p) => p.services.flatMap((s) => s.rows.map((r) => ({ ...r, program: p.program, service: s.service }))));
    expect(rows.map((r) => r.combination).sort()).toEqual(rs.entries.map((e) => e.combination).sort());
    for (const e of rs.entries) {
      const row = rows.find((r) => r.combination === e.combination)!;
      expect([row.program, row.service, row.description]).toEqual([e.program, e.service, e.description]);
    }
  });

  it('gives every rule its words, and every example a place (under the rules it shows, or with the others)', () => {
    expect(view.rules.map((r) => r.id)).toEqual(rs.rules.map((r) => r.id));
    for (const r of view.rules) expect(r.words.length).toBeGreaterThan(20);
    const shown = new Set([...view.rules.flatMap((r) => r.examples), ...view.otherExamples].map((e) => e.name));
    expect([...shown].sort()).toEqual([...new Set(rs.examples.map((e) => e.name))].sort());
  });

  it('reads exclusivity and conditions in plain words', () => {
    const mini = mustLoad(MINI).versions[0]!;
    const words = (id: string) => ruleWords(mini, mini.rules.find((r) => r.id === id)!);
    expect(words('tenancy-same-day')).toBe('T2040 U6 and T2050 U6 may not be billed for one member on one day; every line of the conflict gets the finding.');
    expect(words('telehealth-without-gq')).toBe('A finding when the place of service is one of the telehealth places (02, 10), and the delivery is "in-person", and the combination is not G9007.');
    expect(words('not-reportable')).toBe('A finding when the unit is "per 15 minutes", and the minutes are given, and the rule of eights units for minutes is 0.');
    expect(words('units-per-diem')).toBe('A finding when the unit is "per diem", and (the units are not a whole number, or the units are more than the service days).');
    expect(words('outreach-after-care')).toBe("A finding when the line is marked “outreach”, and another line for the same member (on any date) where its service date is before this line's service date, and its combination is G9008 U1.");
  });
});

describe('the DHCS editions', () => {
  it('each edition that extends one in its folder lists its changes from it; one whose base is absent says so', () => {
    for (const rs of mustLoad(DHCS).versions) {
      const { base, missing } = loadBase(rs, DHCS);
      const view = editionView(rs, base, missing);
      if (base) {
        expect(base.guidance.version).toBe(baseName(rs));
        expect(isEmptyDiff(view.changes!)).toBe(false);
        expect(docsHtml(view)).toContain(`<h2>Changes in this edition (from ${base.guidance.version})</h2>`);
      } else {
        expect(missing).toBe(baseName(rs));
        expect(docsHtml(view)).toContain(missing === null ? 'This edition extends no other' : `This edition extends ${missing}, which is not in this folder`);
      }
    }
  });
});

describe('codeguide docs', () => {
  it('writes a self-contained HTML page', async () => {
    const target = join(work, 'mini-2.html');
    const { code, err } = await run('docs', `${FIXTURE}@2.0`, '--out', target);
    expect(code).toBe(0);
    expect(err).toMatch(/wrote .*mini-2\.html \(mini-guidance 2\.0: 6 code combinations, 11 rules\)/);
    const html = readFileSync(target, 'utf8');
    expect(html).toContain('until 2025-03-31 (eightsEnforced) its findings are warnings that name that date; from then, errors');
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(/i);
  });

  it('lists the changes from the base edition, in HTML and Markdown', () => {
    const view = editionView(mustLoad(FIXTURE, '2.0').versions[0]!, mustLoad(FIXTURE, '1.0').versions[0]!, null);
    const html = docsHtml(view);
    expect(html).toContain('<h2>Changes in this edition (from 1.0)</h2>');
    expect(html).toContain('<li>T1016 U8 — Housing Outreach: outreach to initiate housing services (per 15 minutes; in force from 2024-07-01; also with GQ (telehealth))</li>');
    const md = docsMarkdown(view);
    expect(md).toContain('## Changes in this edition\n\n*Mini guidance for tests, edition 2.0');
    expect(md).toContain('### Catalogue\n\n#### Added\n\n**Community Supports**\n\n- **T1016 U8**');
  });

  it('writes Markdown; an edition that extends none says so', async () => {
    const target = join(work, 'mini-1.md');
    expect((await run('docs', `${FIXTURE}/1.0`, '--out', target)).code).toBe(0);
    const md = readFileSync(target, 'utf8');
    expect(md).toMatch(/^# Mini guidance for tests — edition 1\.0\n/);
    expect(md).toContain('This edition extends no other');
    expect(md).toContain('#### Deposits');
    expect(md).toContain('| H0044 | U6 | deposit | per diem | amount required: yes | from 2022-01-01 (start) | GQ | Mini 1.0, Table 3 |');
  });

  it('exit 2 with a clear message for a bad --out, a missing folder or edition', async () => {
    for (const argv of [['docs', MINI], ['docs', MINI, '--out', join(work, 'x.pdf')], ['docs', 'no/such', '--out', join(work, 'x.md')], ['docs', `${FIXTURE}@3.0`, '--out', join(work, 'x.md')]]) {
      const { code, err } = await run(...argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(err).not.toMatch(/\n\s+at /);
    }
  });
});

describe('rule-file text is escaped in the page', () => {
  it('HTML and Markdown show hostile descriptions and citations as text', () => {
    const dir = join(work, 'hostile', 'mini-guidance');
    cpSync(MINI, dir, { recursive: true });
    const cat = join(dir, '1.0', 'catalogue.yaml');
    const hostile = '<script>alert(1)</script> | *x* `y` "q" &amp;';
    writeFileSync(cat, readFileSync(cat, 'utf8').replace('description: "deposit"', `description: ${JSON.stringify(hostile)}`).replace('cite: "Mini 1.0, Table 3"', 'cite: "</table><img src=x onerror=alert(1)>"'));
    const rs = mustLoad(dir).versions[0]!;
    const view = editionView(rs, null, null);
    const html = docsHtml(view);
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; | *x* `y` &quot;q&quot; &amp;amp;');
    const md = docsMarkdown(view);
    const row = md.split('\n').find((l) => l.startsWith('| H0044 '))!;
    expect(row.replace(/\\\|/g, '').split('|').length).toBe(10);
    expect(md).not.toMatch(/(^|[^\\])<(script|img)/i); // \< is a literal < in Markdown
    expect(md).toContain('\\<script\\>alert(1)\\</script\\>');
  });
});
