/**
 * The language's meaning through both back ends, on cases the written
 * semantics (docs/semantics.md) singles out: null in conditions, comparisons,
 * arithmetic and membership; day arithmetic; aggregates over ranges.
 */
import { describe, expect, it } from 'vitest';
import { probeBundle, probeInterpreter, type Probe } from '../../compiler/probe.ts';
import { line, MINI, mustLoad } from '../helpers.ts';

const rs = mustLoad(MINI).versions[0]!;
const care = line({ procedureCode: 'G9008', modifiers: ['U1'] });
const tenancy = (over: Record<string, unknown>) => line({ procedureCode: 'T2040', modifiers: ['U6'], ...over });

async function both(probes: Probe[]) {
  const viaInterpreter = probeInterpreter(rs, probes);
  const viaBundle = await probeBundle(rs, probes);
  expect(viaBundle).toEqual(viaInterpreter);
  return viaBundle;
}

describe('probing expressions', () => {
  it('the null-in-and rule that once split the back ends does not compile: one diagnostic', async () => {
    const [out] = await both([{ expression: '((if minutes == null then null else true) and true) == false', line: care }]);
    expect(out).toMatchObject({ error: 'nullable-condition' });
  });

  it('comparisons with null are false, equality with null is total, arithmetic with null is null', async () => {
    const out = await both([
      { expression: 'minutes > 0', line: care },
      { expression: 'not (minutes > 0)', line: care },
      { expression: 'minutes == null', line: care },
      { expression: 'minutes + 1', line: care },
      { expression: 'minutes in [1, 2]', line: care },
      { expression: 'minutes not in [1, 2]', line: care },
      { expression: 'units / 0', line: care },
      { expression: 'amount / 2', line: line({ procedureCode: 'G9008', modifiers: ['U1'], amount: 5 }) },
    ]);
    expect(out.map((o) => ('value' in o ? o.value : o))).toEqual([false, true, true, null, false, true, null, 2.5]);
  });

  it('dates take days: date + number, date - number, date - date', async () => {
    const out = await both([
      { expression: 'serviceDate + 30', line: care },
      { expression: 'serviceDate - 1', line: care },
      { expression: 'serviceDate - 2024-01-01', line: care },
      { expression: 'serviceDateEnd + 1', line: care },
    ]);
    expect(out).toEqual([{ value: '2024-05-01' }, { value: '2024-03-31' }, { value: 91 }, { value: null }]);
  });

  it('aggregates count other lines once, per day over ranges', async () => {
    const others = [
      tenancy({ claimId: 'C2', serviceDate: '2024-03-30', serviceDateEnd: '2024-04-03', units: 4 }),
      tenancy({ claimId: 'C3', serviceDate: '2024-04-02', units: 3 }),
      tenancy({ claimId: 'C4', memberId: 'M2', units: 9 }),
    ];
    const out = await both([
      { expression: 'count(memberDay, other.combination == T2040:U6)', line: tenancy({ units: 2 }), others },
      { expression: 'sum(memberDay, other.units)', line: tenancy({ units: 2 }), others },
      { expression: 'sum(member, other.units)', line: tenancy({ units: 2 }), others },
      { expression: 'sum(memberDay, other.minutes)', line: tenancy({ units: 2 }), others },
      { expression: 'any(memberDay, other.claimId == "C3")', line: tenancy({ units: 2 }), others },
      { expression: 'count(member, true)', line: tenancy({ units: 2 }) },
    ]);
    expect(out).toEqual([{ value: 1 }, { value: 4 }, { value: 7 }, { value: 0 }, { value: false }, { value: 0 }]);
  });

  it('a line that is not classified is reported as such', async () => {
    const [out] = await both([{ expression: 'units', line: line({ procedureCode: '99213' }) }]);
    expect(out).toMatchObject({ error: 'probe-line' });
  });
});
