/**
 * Editions that extend each other, and the DHCS timeline. Every case runs through the compiled bundle and the
 * reference interpreter, which must agree. The list of DHCS editions is read from the rule folder, never
 * written here: the cases name dates, and the editions those dates pick are worked out from the rule sets.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileBundle, loadRules, type LoadResult } from '../../compiler/compile.ts';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { loadBundle, runExamples } from '../../compiler/examples.ts';
import { interpret, judgingEdition, type LineResult } from '../../compiler/interpret.ts';
import { placeOfField } from '../../compiler/model.ts';
import { probeBundle, probeInterpreter } from '../../compiler/probe.ts';
import { whereIs } from '../../compiler/source.ts';
import { DHCS, line, MINI, mustLoad, type BundleModule } from '../helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'codeguide-editions-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A judge of lines by the bundle, checked against the interpreter, of a loaded rule folder. */
async function judgeOf(loaded: LoadResult): Promise<(lines: unknown[], asOf?: string) => LineResult[]> {
  const mod = (await loadBundle(compileBundle(loaded).js)) as unknown as BundleModule;
  return (lines, asOf) => {
    const options = asOf === undefined ? undefined : { asOf };
    const results = mod.validate(lines, options);
    expect(results).toEqual(interpret(loaded.versions, lines, options ?? {}));
    return results;
  };
}

const newest = (loaded: LoadResult) => judgingEdition(loaded.versions).guidance.version;

describe('the DHCS timeline', () => {
  const all = mustLoad(DHCS);
  const bundles = [
    { name: 'a bundle of every edition', loaded: all },
    { name: 'the newest edition alone', loaded: mustLoad(DHCS, newest(all)) },
  ];

  it('has editions that extend one another, oldest first', () => {
    const versions = all.versions.map((v) => v.guidance);
    expect(versions.length).toBeGreaterThan(1);
    for (const g of versions.slice(1)) expect(versions.map((v) => v.version)).toContain(g.extends);
    expect(versions[0]!.extends).toBeNull();
  });

  describe.each(bundles)('January 2024 readings, $name', ({ loaded }) => {
    it('T2040 U6, 7 minutes: accepted before 2024, a warning naming 2024-03-31 until then, rejected after', async () => {
      const judge = await judgeOf(loaded);
      const t2040 = (serviceDate: string) => line({ procedureCode: 'T2040', modifiers: ['U6'], minutes: 7, serviceDate });
      const [before, early, late] = judge([t2040('2023-06-01'), t2040('2024-02-15'), t2040('2024-04-15')]);
      expect(before).toMatchObject({ status: 'accepted', billableUnits: 1, findings: [] });
      expect(early).toMatchObject({ status: 'accepted', billableUnits: 0, findings: [{ category: 'not-reportable', severity: 'warning' }] });
      expect(early!.findings[0]!.message).toContain('2024-03-31');
      expect(late).toMatchObject({ status: 'rejected', findings: [{ category: 'not-reportable', severity: 'error' }] });
    });

    it('G9008 U1 HE: read as ECM with an undefined-combination warning before 2024-01-01, rejected from it', async () => {
      const judge = await judgeOf(loaded);
      const he = (serviceDate: string) => line({ procedureCode: 'G9008', modifiers: ['U1', 'HE'], serviceDate });
      const [tolerated, banned] = judge([he('2023-03-01'), he('2024-01-01')]);
      expect(tolerated).toMatchObject({ status: 'accepted', program: 'ECM', service: 'Enhanced Care Management', findings: [{ category: 'undefined-combination', severity: 'warning' }] });
      expect(banned).toMatchObject({ status: 'rejected', service: null, findings: [{ category: 'undefined-combination', severity: 'error' }] });
    });

    it('staff definitions: not judged before 2024, a warning naming 2024-03-31 until then, an error from it', async () => {
      const judge = await judgeOf(loaded);
      const chw = (serviceDate: string) => line({ procedureCode: 'G9008', modifiers: ['U1'], staffCredential: 'community health workers', serviceDate });
      const [before, early, late] = judge([chw('2023-12-31'), chw('2024-03-30'), chw('2024-03-31')]);
      expect(before.findings).toEqual([]);
      expect(early).toMatchObject({ status: 'accepted', findings: [{ category: 'staff-mismatch', severity: 'warning' }] });
      expect(early!.findings[0]!.message).toContain('2024-03-31');
      expect(late).toMatchObject({ status: 'rejected', findings: [{ category: 'staff-mismatch', severity: 'error' }] });
    });

    it('the minutes part of units-mismatch follows the Rule of Eights dates', async () => {
      const judge = await judgeOf(loaded);
      const t2041 = (serviceDate: string) => line({ procedureCode: 'T2041', modifiers: ['U6'], minutes: 40, units: 2, serviceDate });
      const [before, early, late] = judge([t2041('2023-12-31'), t2041('2024-01-01'), t2041('2024-03-31')]);
      expect(before).toMatchObject({ status: 'accepted', billableUnits: 2, findings: [] });
      expect(early).toMatchObject({ status: 'accepted', billableUnits: 3, findings: [{ category: 'units-mismatch', severity: 'warning' }] });
      expect(late).toMatchObject({ status: 'rejected', billableUnits: 3, findings: [{ category: 'units-mismatch', severity: 'error' }] });
    });

    it('the telehealth rows keep their own wording', async () => {
      const mod = (await loadBundle(compileBundle(loaded).js)) as unknown as BundleModule;
      expect(mod.classify('G9008', ['U1', 'GQ'])).toMatchObject({ delivery: 'telehealth', description: expect.stringMatching(/^ECM Phone\/Telehealth: /) });
      expect(mod.classify('G9008', ['U1'])).toMatchObject({ delivery: 'in-person', description: expect.stringMatching(/^ECM In-Person: /) });
      expect(mod.classify('T1016', ['GQ', 'U8'])).toMatchObject({ description: expect.stringMatching(/^Community Supports Telephonic\/Electronic Outreach/) });
    });
  });

  it('as of 2023-12-31, G9007 on 2023-12-15 is out of scope under the edition then known; with no asOf, not in force under the newest', async () => {
    const judge = await judgeOf(all);
    const then = judgingEdition(all.versions, '2023-12-31');
    expect(then.entries.some((e) => e.code === 'G9007')).toBe(false);
    const g9007 = line({ procedureCode: 'G9007', serviceDate: '2023-12-15' });
    expect(judge([g9007], '2023-12-31')[0]).toMatchObject({ status: 'out-of-scope', guidanceVersion: then.guidance.version, findings: [] });
    expect(judge([g9007])[0]).toMatchObject({ status: 'rejected', guidanceVersion: newest(all), findings: [{ category: 'not-effective' }] });
    expect(then.guidance.version).not.toBe(newest(all));
  });

  it('the command line judges as of a date the same way (--as-of)', () => {
    const input = `${JSON.stringify(line({ procedureCode: 'G9007', serviceDate: '2023-12-15' }))}\n`;
    const run = (...extra: string[]) => {
      const out = spawnSync(process.execPath, ['compiler/bin.mjs', 'validate', '--rules', DHCS, ...extra, '-'], { input, encoding: 'utf8' });
      return JSON.parse(out.stdout.trim()) as LineResult;
    };
    expect(run('--as-of', '2023-12-31')).toMatchObject({ status: 'out-of-scope', guidanceVersion: judgingEdition(all.versions, '2023-12-31').guidance.version });
    expect(run()).toMatchObject({ status: 'rejected', guidanceVersion: newest(all), findings: [{ category: 'not-effective' }] });
  });

  it('in expressions, the description of a telehealth line is the wording of its own row, through every back end', async () => {
    const rs = judgingEdition(all.versions);
    const probes = [
      { expression: 'description', line: line({ procedureCode: 'G9008', modifiers: ['GQ', 'U1'] }) },
      { expression: 'description', line: line({ procedureCode: 'G9008', modifiers: ['U1'] }) },
      // other.description: the other line's own way of delivery
      { expression: 'count(memberDay, other.description == "ECM Phone/Telehealth: Provided by Non-Clinical Staff. Other specified case management service not elsewhere classified.")',
        line: line({ procedureCode: 'G9008', modifiers: ['U1'] }), others: [line({ procedureCode: 'G9012', modifiers: ['U2', 'GQ'] }), line({ procedureCode: 'G9012', modifiers: ['U2'] })] },
    ];
    const expected = [
      { value: 'ECM Phone/Telehealth: Provided by Clinical Staff. Coordinated care fee, physician coordinated care oversight services.' },
      { value: 'ECM In-Person: Provided by Clinical Staff. Coordinated care fee, physician coordinated care oversight services.' },
      { value: 1 },
    ];
    expect(probeInterpreter(rs, probes)).toEqual(expected);
    expect(await probeBundle(rs, probes)).toEqual(expected);
  });

  it('the later editions repeat little of the first: under a fifth of their substantial lines are verbatim from it', () => {
    // Substantial: not a comment, at least 30 characters (trimmed). Every rule file of the edition's folder counts.
    const lines = (version: string) => {
      const folder = dirname(all.versions.find((v) => v.guidance.version === version)!.guidance.place.file.path);
      return readdirSync(folder).filter((f) => f.endsWith('.yaml')).flatMap((f) => readFileSync(join(folder, f), 'utf8').split('\n'))
        .map((l) => l.trim()).filter((l) => l.length >= 30 && !l.startsWith('#'));
    };
    const [first, ...later] = all.versions.map((v) => v.guidance.version);
    const base = new Set(lines(first!));
    for (const v of later) {
      const own = lines(v);
      expect(own.length).toBeGreaterThan(0);
      expect(own.filter((l) => base.has(l)).length / own.length).toBeLessThan(0.2);
    }
  });
});

describe('an edition that adds, changes and removes (test/fixtures/editions)', () => {
  const dir = join(work, 'mini-guidance');
  cpSync(join(MINI, '1.0'), join(dir, '1.0'), { recursive: true });
  cpSync('test/fixtures/editions/mini-guidance/1.1', join(dir, '1.1'), { recursive: true });

  it('compiles with files only, and its examples and those of its base pass', async () => {
    const loaded = loadRules(dir);
    expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(loaded.versions.map((v) => v.guidance.extends)).toEqual([null, '1.0']);
    for (const rs of loaded.versions) {
      const report = await runExamples(rs);
      expect(report.failed.map(formatDiagnostic)).toEqual([]);
      expect(report.total).toBeGreaterThan(0);
    }
  });

  it('a service that starts before the edition was published applies once the edition is known (as of its publication)', async () => {
    const loaded = mustLoad(dir);
    const judge = await judgeOf(loaded);
    const brokerage = [line({ procedureCode: 'T2041', modifiers: ['U6'], minutes: 15, serviceDate: '2024-07-15' })];
    expect(judge(brokerage, '2024-08-31')[0]).toMatchObject({ status: 'out-of-scope', guidanceVersion: '1.0' });
    expect(judge(brokerage, '2024-09-01')[0]).toMatchObject({ status: 'accepted', service: 'Support Brokerage', guidanceVersion: '1.1' });
    expect(judge([line({ procedureCode: 'G9008', modifiers: ['U8'] })], '2024-08-31')[0]).toMatchObject({ status: 'accepted', guidanceVersion: '1.0' });
  });

  it('every item keeps the place of the file that last defined it, field by field', () => {
    const rs = mustLoad(dir).versions.find((v) => v.guidance.version === '1.1')!;
    const t2050 = rs.entries.find((e) => e.combination === 'T2050:U6')!;
    expect(t2050.cite).toBe('Mini 1.1, Table 2');
    expect(whereIs(placeOfField(t2050, 'description'))).toMatch(/1\.1\/guidance\.yaml:\d+$/);
    expect(whereIs(placeOfField(t2050, 'unit'))).toMatch(/1\.0\/catalogue\.yaml:\d+$/);
    expect(rs.entries.some((e) => e.combination === 'G9008:U8')).toBe(false);
    expect(rs.rules.some((r) => r.id === 'outreach-after-care')).toBe(false);
    expect(rs.rules.find((r) => r.id === 'tenancy-same-day')!.place.file.path).toMatch(/1\.0\/rules\.yaml$/);
  });

  it('a mistake in a changed field is reported in the edition that changed it', () => {
    const broken = join(work, 'broken', 'mini-guidance');
    cpSync(dir, broken, { recursive: true });
    const file = join(broken, '1.1', 'guidance.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('      retired: 2025-01-01\n', '      retired: 2025-01-01\n      unit: perWeek\n'));
    const loaded = loadRules(broken);
    expect(loaded.diagnostics.map((d) => [d.code, resolve(d.file)])).toEqual([['unknown-unit', resolve(file)]]);
  });
});
