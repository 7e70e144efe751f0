/**
 * A rule that the plan drops for every way a line can write every catalogue
 * entry can never fire: almost always a typo in the rule (a unit basis or
 * service that no entry of the combination has). Reported as a warning.
 */
import type { Diagnostic } from '../diagnostics.ts';
import type { EditionPlan } from '../plan/plan.ts';
import { diagnosticAt } from '../source.ts';

export function checkReachability(plan: EditionPlan): Diagnostic[] {
  const applies = new Set(plan.lookup.flatMap((l) => l.variants.flatMap((v) => [...v.line, ...v.cross].map((p) => p.rule))));
  return plan.rules.rules
    .filter((rule) => rule.when !== null && !applies.has(rule))
    .map((rule) => diagnosticAt(rule.when!.place, 'rule-never-applies', `rule ${rule.id} can never apply: its condition is false for every catalogue entry`,
      'check the combinations, services and unit bases the condition names against the catalogue', 'warning'));
}
