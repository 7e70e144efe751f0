/**
 * The plan phase: a checked rule set → a back-end-neutral validator plan.
 * For every way a line can write every catalogue entry (a variant), the plan
 * holds that variant's rules with the entry's fields folded in (rules that can
 * never hold are dropped), its unit math, its messages, and which groups its
 * lines can be found in. The JavaScript printer (compiler/emit/) prints a
 * plan; the reachability check reads it; a SQL printer can read the same.
 */
import { parseDay } from '../../runtime/record.js';
import { combinationKey } from '../codes.ts';
import { ENTRY_FIELDS, variantConstants, variantsOf, type AttributeDecl, type Group, type IR, type IRNode, type Rule, type RuleSet, type ServiceEntry, type Template, type Value } from '../model.ts';
import { aggregatesOf, fold, isConst, visit, type FoldEnv } from './fold.ts';
import { choicesPlan, type ChoicePlan } from '../profile/choices.ts';
import type { ProfileObject } from '../profile/profile.ts';

/** A whole guidance (one or more editions) ready to print. */
export interface ValidatorPlan {
  guidance: string;
  title: string;
  sourceHash: string;
  /** Oldest first (by publication date). */
  editions: EditionPlan[];
  /** The plan profile compiled in (checked against the editions' choices); none when absent or null. */
  profile?: ProfileObject | null;
}

export interface EditionPlan {
  rules: RuleSet;
  version: string;
  /** Day number of the edition's publication: the edition judges when asked as of that day or later. */
  published: number;
  /** Every code of the catalogue: a line with another code is out of scope. */
  universe: string[];
  /** Variants by lookup key (code and sorted modifiers), each list by first day in force. */
  lookup: { key: string; variants: VariantPlan[] }[];
  /** The groups aggregates look in; a slot is an index into this list. */
  slots: Group[];
  builtin: { record: Rule; combination: Rule; effective: Rule };
  /** The undefined-combination message (no entry: entry fields are null). */
  undefinedMessage: Template;
  /** Attributes shown in results and by classify(), in declaration order. */
  resultAttributes: AttributeDecl[];
  /** Plan choices, as the runtime reads them (runtime/profile.js). */
  choices: ChoicePlan[];
  /** The modifiers that define catalogue entries (a line with none of them may be out of scope under a profile). */
  defining: string[];
}

/** One way to write one catalogue entry, with everything specialised to it. */
export interface VariantPlan {
  entry: ServiceEntry;
  delivery: string;
  modifiers: string[];
  key: string;
  /** First day in force and first day no longer in force (day numbers; ±Infinity for open ends). */
  from: number;
  until: number;
  /** Billable units (folded), or null: the reported units. */
  billable: IR | null;
  line: RulePlan[];
  cross: RulePlan[];
  /** Per slot: can a line of this variant be one an aggregate of that group counts? */
  member: boolean[];
  /** What every line of this variant holds (entry fields, delivery, code): folded into conditions on another line. */
  constants: ReadonlyMap<string, Value>;
  /** Probe expressions (compiler/probe.ts) with this variant's fields folded in; empty in a real bundle. */
  probes: IR[];
}

/** A rule as it applies to one variant. */
export interface RulePlan {
  rule: Rule;
  /** The condition with the variant's fields folded in (never the constant false). */
  cond: IR;
  /** The message as written: it is shown only when the rule fires, so one function serves every variant. */
  message: Template;
  /** The aggregate whose first matching line a message shows as `other.` (the rule's one `any`). */
  witness: { slot: number; pred: IR } | null;
}

export function planGuidance(editions: RuleSet[], sourceHash: string, profile: ProfileObject | null = null): ValidatorPlan {
  const sorted = [...editions].sort((a, b) => parseDay(a.guidance.published) - parseDay(b.guidance.published));
  const latest = sorted[sorted.length - 1]!;
  return { guidance: latest.guidance.id, title: latest.guidance.title, sourceHash, editions: sorted.map((rs) => planEdition(rs)), profile };
}

/** Plan one edition; `probes` are extra expressions to evaluate for each line (for tests of the language). */
export function planEdition(rs: RuleSet, probes: readonly IR[] = []): EditionPlan {
  const builtin = (check: string) => rs.rules.find((r) => r.check === check)!;
  const conditional = rs.rules.filter((r) => r.when !== null);
  const crossRules = new Set(conditional.filter((r) => aggregatesOf(r.when!.ir).length > 0));
  const slots: Group[] = [];
  const slotOf = (group: string): number => {
    let i = slots.findIndex((g) => g.name === group);
    if (i < 0) i = slots.push(rs.groups.get(group)!) - 1;
    return i;
  };
  const aggregates = [...[...crossRules].map((r) => r.when!.ir), ...probes].flatMap(aggregatesOf);
  for (const a of aggregates) slotOf(a.group);
  const bandings = rs.bandings;

  const lookup = new Map<string, VariantPlan[]>();
  for (const v of variantsOf(rs)) {
    const consts = variantConstants(v);
    const env: FoldEnv = { consts, bandings };
    const specialise = (rule: Rule): RulePlan | null => {
      const cond = fold(rule.when!.ir, env);
      if (isConst(cond) && cond.v === false) return null;
      return { rule, cond, message: rule.message, witness: witnessOf(rule, env, slotOf) };
    };
    const unit = rs.unitBases.get(v.entry.unit);
    const plan: VariantPlan = {
      entry: v.entry, delivery: v.delivery, modifiers: v.modifiers,
      key: combinationKey(v.entry.code, v.modifiers),
      from: v.entry.effective ?? -Infinity, until: v.entry.retired ?? Infinity,
      billable: unit?.billableUnits ? fold(unit.billableUnits.ir, env) : null,
      line: conditional.filter((r) => !crossRules.has(r)).map(specialise).filter((x): x is RulePlan => x !== null),
      cross: [...crossRules].map(specialise).filter((x): x is RulePlan => x !== null),
      member: slots.map((g) => aggregates.some((a) => a.group === g.name && canCount(a, { consts: new Map(), otherConsts: consts, bandings }))),
      constants: consts,
      probes: probes.map((p) => fold(p, env)),
    };
    lookup.set(plan.key, [...(lookup.get(plan.key) ?? []), plan]);
  }
  const noEntry = new Map<string, Value>([...ENTRY_FIELDS, ...rs.attributes.keys()].map((f) => [f, null]));
  return {
    rules: rs,
    version: rs.guidance.version,
    published: parseDay(rs.guidance.published),
    universe: [...new Set(rs.entries.map((e) => e.code))].sort(),
    lookup: [...lookup].map(([key, variants]) => ({ key, variants: variants.sort((a, b) => a.from - b.from) })),
    slots,
    builtin: { record: builtin('record'), combination: builtin('combination'), effective: builtin('effective') },
    undefinedMessage: foldTemplate(builtin('combination').message, { consts: noEntry, bandings }),
    resultAttributes: [...rs.attributes.values()].filter((a) => a.result),
    choices: choicesPlan(rs),
    defining: [...new Set(rs.entries.flatMap((e) => e.modifiers))].sort(),
  };
}

/** Can a line with these fields (as the other line) be counted by the aggregate? */
function canCount(a: IRNode<'any' | 'count' | 'sum'>, env: FoldEnv): boolean {
  const body = fold(a.k === 'sum' ? a.x : a.pred, env);
  if (!isConst(body)) return true;
  return a.k === 'sum' ? body.v !== null : body.v === true;
}

function foldTemplate(t: Template, env: FoldEnv): Template {
  return t.map((p) => ('text' in p ? p : { expr: fold(p.expr, env) }));
}

/** The witness a message's `other.` fields show: the first line the rule's one any() finds. */
function witnessOf(rule: Rule, env: FoldEnv, slotOf: (group: string) => number): RulePlan['witness'] {
  let usesOther = false;
  for (const p of rule.message) if ('expr' in p) visit(p.expr, (n) => { if (n.k === 'field' && n.of === 'other') usesOther = true; });
  if (!usesOther) return null;
  const anys = aggregatesOf(rule.when!.ir).filter((a): a is IRNode<'any'> => a.k === 'any');
  const only = anys[0]!; // the resolver allows `other.` in a message only when there is exactly one
  return { slot: slotOf(only.group), pred: fold(only.pred, env) };
}
