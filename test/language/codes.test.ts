/**
 * One code grammar (compiler/codes.ts) for the catalogue, sets, exclusivity
 * declarations and expressions: HCPCS Level II and CPT Categories I–III.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isCodePattern, isProcedureCode } from '../../compiler/codes.ts';
import { loadRules } from '../../compiler/compile.ts';
import { runExamples } from '../../compiler/examples.ts';
import { parseExpression } from '../../grammar/index.ts';
import { bundleOf, line, mustLoad } from '../helpers.ts';

const CPT = 'test/fixtures/cpt/cpt-guidance';
const work = mkdtempSync(join(tmpdir(), 'codeguide-codes-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the code grammar', () => {
  it.each(['T2040', 'G9008', '99213', '00100', '0001F', '0042T'])('%s is a procedure code', (code) => {
    expect(isProcedureCode(code)).toBe(true);
  });
  it.each(['T204', 'T20400', '9921', '0001X', 't2040', 'TT040', '99213:U6'])('%s is not a procedure code', (code) => {
    expect(isProcedureCode(code)).toBe(false);
  });
  it('code patterns are a code and modifiers', () => {
    expect(isCodePattern('99213:U6')).toBe(true);
    expect(isCodePattern('0042T:U6:GQ')).toBe(true);
    expect(isCodePattern('99213:U')).toBe(false);
  });

  it('the lexer reads CPT code patterns as codes and five-digit numbers as numbers', () => {
    const kind = (text: string) => parseExpression(text).expr?.kind;
    expect(kind('99213:U6')).toBe('combo');
    expect(kind('0001F')).toBe('combo');
    expect(kind('0042T:U6')).toBe('combo');
    expect(kind('T2040')).toBe('combo');
    expect(kind('10000')).toBe('number');
    expect(kind('2024-03-31')).toBe('date');
    expect(parseExpression('amount > 10000 and combination == 99213:U6').problems).toEqual([]);
  });
});

describe('a guidance of CPT codes', () => {
  it('compiles with CPT code patterns in rules and exclusivity declarations, and its examples pass', async () => {
    const loaded = mustLoad(CPT);
    expect(loaded.diagnostics).toEqual([]);
    const rs = loaded.versions[0]!;
    expect(rs.entries.map((e) => e.code)).toEqual(['99213', '99213', '00100', '0001F', '0042T']);
    const report = await runExamples(rs);
    expect(report.failed).toEqual([]);
    expect(report.total).toBeGreaterThan(0);
  });

  it('an unquoted CPT code keeps the digits it is written with', async () => {
    const bundle = await bundleOf(CPT);
    expect(bundle.classify('00100', [])).toMatchObject({ code: '00100', service: 'Office Visit' });
    expect(bundle.classify('100', [])).toBeNull();
    const [res] = bundle.validate([line({ procedureCode: '00100' })]);
    expect(res!.status).toBe('accepted');
  });

  it('a code too short to be CPT gets one diagnostic saying to write all five characters', () => {
    const dir = join(work, 'cpt-guidance');
    cpSync(CPT, dir, { recursive: true });
    const file = join(dir, '1.0', 'catalogue.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('{ code: 00100,', '{ code: 100,'));
    const { diagnostics } = loadRules(dir);
    expect(diagnostics.map((d) => d.code)).toEqual(['bad-code']);
    expect(diagnostics[0]!.hint).toContain('"00100"');
  });
});
