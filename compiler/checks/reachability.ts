/**
 * A rule whose condition is false for every way a line can write every
 * catalogue entry can never fire: almost always a typo in the rule (a unit
 * basis or service that no entry of the combination has). Reported as a warning.
 */
import type { Diagnostic } from '../diagnostics.ts';
import { fold } from '../evaluate.ts';
import { variantConstants, variantsOf, type RuleSet } from '../model.ts';
import { diagnosticAt } from '../source.ts';

export function checkReachability(rs: RuleSet): Diagnostic[] {
  const variants = variantsOf(rs).map(variantConstants);
  const out: Diagnostic[] = [];
  for (const rule of rs.rules) {
    if (!rule.when) continue;
    const never = variants.every((consts) => {
      const cond = fold(rule.when!.ir, consts, rs.bandings);
      return cond.k === 'const' && !cond.v;
    });
    if (never) {
      out.push(diagnosticAt(rule.when.place, 'rule-never-applies', `rule ${rule.id} can never apply: its condition is false for every catalogue entry`,
        'check the combinations, services and unit bases the condition names against the catalogue', 'warning'));
    }
  }
  return out;
}
