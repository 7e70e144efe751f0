/** Type checking of expressions: each mistake gives one diagnostic with the right code, at the right token. */
import { describe, expect, it } from 'vitest';
import { makeScope, resolveExpr } from '../../compiler/resolve.ts';
import { MINI, mustLoad } from '../helpers.ts';

const rs = mustLoad(MINI).versions[0]!;
const scope = makeScope(rs);
const place = rs.rules[0]!.place;

function check(text: string, want: 'bool' | 'number' = 'bool') {
  const r = resolveExpr(scope, { text, place }, want, 'rule');
  return { ok: r.expr !== null, codes: r.diagnostics.map((d) => d.code) };
}

describe('expression types', () => {
  it.each([
    'minutes > 7',
    'minutes == null',
    'staffCredential in clinical',
    '"GQ" in modifiers',
    'serviceDate >= 2024-01-01 and serviceDate < added',
    'combination in [T2040:U6, T2050:U6]',
    'service == "Tenancy" or program != "ECM"',
    'not whole(units) or units > serviceDays',
    'count(memberDay, other.combination == T2050:U6) >= 1',
    'if minutes == null then true else ruleOfEights(minutes) > 0',
  ])('accepts %s', (text) => {
    expect(check(text)).toEqual({ ok: true, codes: [] });
  });

  it.each([
    ['minutes > "7"', 'type-mismatch'],
    ['modifiers == ["U1"]', 'type-mismatch'],
    ['minutes and units', 'type-mismatch'],
    ['service == "Tenancies"', 'unknown-value'],
    ['unit in ["perDay"]', 'unknown-value'],
    ['delivery == "video"', 'unknown-value'],
    ['combination == T2040:U8', 'unknown-combination'],
    ['combination == T2040:UX', 'unknown-modifier'],
    ['minuts > 7', 'unknown-name'],
    ['other.units > 1', 'other-outside-aggregate'],
    ['any(members, other.units > 1)', 'unknown-group'],
    ['any(member, any(member, other.units > 1))', 'type-mismatch'],
    ['any(member)', 'wrong-arity'],
    ['round(units) > 1', 'unknown-function'],
    ['serviceDate > 2024-02-30', 'bad-value'],
    ['units + 1', 'type-mismatch'],
    ['(minutes > ', 'expr-syntax'],
  ])('rejects %s with %s', (text, code) => {
    expect(check(text)).toEqual({ ok: false, codes: [code] });
  });

  it('billable-unit expressions are numbers and may not look at other lines', () => {
    expect(check('if minutes == null then units else ruleOfEights(minutes)', 'number')).toEqual({ ok: true, codes: [] });
    expect(resolveExpr(scope, { text: 'count(member, other.units > 0)', place }, 'number', 'units').diagnostics.map((d) => d.code)).toEqual(['type-mismatch']);
  });
});
