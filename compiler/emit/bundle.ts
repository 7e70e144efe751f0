/**
 * The JavaScript printer: a validator plan → one standalone ES module. The
 * runtime (runtime/*.js) is linked by reference; everything that comes from
 * rule files goes through the escaping code builder.
 */
import * as engine from '../../runtime/engine.js';
import * as groups from '../../runtime/groups.js';
import * as record from '../../runtime/record.js';
import * as profileRuntime from '../../runtime/profile.js';
import { formatDay } from '../../runtime/record.js';
import { planGuidance, type EditionPlan, type RulePlan, type ValidatorPlan, type VariantPlan } from '../plan/plan.ts';
import { fold, isConst, runtimeBanding } from '../plan/fold.ts';
import { descriptionOf, isDateValued, type AttributeDecl, type IR, type Rule, type RuleSet, type Template, type Value } from '../model.ts';
import { _, comment, indent, join, literal, name, type Code } from './codegen.ts';
import { printExpr, printWitness, type PrintContext } from './expr.ts';
import type { RelationOp } from './aggregate.ts';
import { Linker } from './link.ts';
import { bundleDeclarations } from './dts.ts';
import { emitRecordCheck } from './record.ts';
import type { ProfileObject } from '../profile/profile.ts';

/** Everything printed for one edition: module-level declarations and the name of its edition object. */
class EditionPrinter implements PrintContext {
  private readonly decls: Code[] = [];
  private readonly sets = new Map<string, Code>();
  private readonly functions = new Map<string, Code>();
  private readonly aggregates = new Map<string, Code>();
  readonly attributes: ReadonlySet<string>;
  /** Every variant of the edition, in the order of their ids (runtime Variant.id). */
  private readonly variants: readonly VariantPlan[];

  constructor(private readonly plan: EditionPlan, private readonly ei: number, readonly link: Linker, private readonly probing: boolean) {
    this.attributes = new Set(plan.rules.attributes.keys());
    this.variants = plan.lookup.flatMap((l) => l.variants);
  }

  private id(kind: string, n: number | string): Code {
    return name(`${kind}${this.ei}_${n}`);
  }

  hoistSet(values: readonly Value[]): Code {
    const text = literal(values as never).toString();
    let ref = this.sets.get(text);
    if (!ref) {
      ref = this.id('S', this.sets.size);
      this.sets.set(text, ref);
      this.decls.push(_`const ${ref} = new Set(${literal(values as never)});`);
    }
    return ref;
  }

  aggregate(pure: Code | null, pureIR: IR | null, by: Code | null, op: RelationOp | null): Code {
    const takes = pureIR === null ? null : this.answersPerVariant(pureIR);
    const spec = _`{ id: ${this.aggregates.size}, pure: ${pure ?? _`null`}, takes: ${takes ?? _`null`}, by: ${by ?? _`null`}, op: ${op} }`;
    const text = spec.toString().replace(/^\{ id: \d+, /, '');
    let ref = this.aggregates.get(text);
    if (!ref) {
      ref = this.id('A', this.aggregates.size);
      this.aggregates.set(text, ref);
      this.decls.push(_`const ${ref} = ${spec};`);
    }
    return ref;
  }

  /**
   * A condition on the other line answered here for each variant, when what every line of the variant holds
   * decides it (a condition on its entry, delivery or code): 1 or 0 per variant id (runtime groups.js passes).
   * Null when some variant's lines can differ.
   */
  private answersPerVariant(pure: IR): Code | null {
    const answers: number[] = [];
    for (const v of this.variants) {
      const folded = fold(pure, { consts: new Map(), otherConsts: v.constants, bandings: this.plan.rules.bandings });
      if (!isConst(folded)) return null;
      answers.push(folded.v === true ? 1 : 0);
    }
    return _`new Uint8Array(${literal(answers)})`;
  }

  banding(banding: string): Code {
    return this.id('band_', banding);
  }

  slot(group: string): number {
    return this.plan.slots.findIndex((g) => g.name === group);
  }

  /** Declare a function once per distinct body; returns its name. */
  private shared(kind: string, params: Code, body: Code): Code {
    const key = `${kind}(${params}){${body}}`;
    let ref = this.functions.get(key);
    if (!ref) {
      ref = this.id(kind, this.functions.size);
      this.functions.set(key, ref);
      this.decls.push(_`function ${ref}(${params}) {\n${indent(body)}\n}`);
    }
    return ref;
  }

  /** A message function `(r, e, d, u, w)`: the template's text and values, `w` the witness line or null. */
  private message(t: Template): Code {
    const showValue = this.link.fn(record.showValue);
    const parts = t.map((p) => ('text' in p ? literal(p.text) : _`${showValue}(${printExpr(p.expr, this, 'witness')}, ${isDateValued(p.expr.type)})`));
    return this.shared('msg', _`r, e, d, u, w`, _`return ${parts.length ? join(parts, ' + ') : literal('')};`);
  }

  private finding(rule: Rule, message: Code, enforced = rule.enforcedFrom): Code {
    if (enforced === null) {
      return _`{ rule: ${rule.id}, category: ${rule.category}, severity: ${rule.severity}, message: flatText(${message}), cite: ${rule.cite ?? ''} }`;
    }
    // Before its compliance date a requirement's findings are warnings that say when it is enforced.
    const early = _`r.serviceDate < ${enforced}`;
    return _`{ rule: ${rule.id}, category: ${rule.category}, severity: ${early} ? "warning" : ${rule.severity}, message: flatText(${message} + (${early} ? ${enforcementNote(enforced)} : "")), cite: ${rule.cite ?? ''} }`;
  }

  /** One variant's rules of one kind as a function, or `null` when none can apply (most lines then skip the kind). */
  private rules(kind: 'check' | 'cross', rules: RulePlan[]): Code {
    if (rules.length === 0) return _`null`;
    const stmts = rules.map((p) => {
      const witness = p.witness ? printWitness(p.witness.slot, p.witness.pred, this) : _`null`;
      const push = _`f.push(${this.finding(p.rule, _`${this.message(p.message)}(r, e, d, u, ${witness})`)});`;
      // A rule's own dates, by date of service, come before its condition.
      const dates = [
        ...(p.rule.effective !== null ? [_`r.serviceDate >= ${p.rule.effective}`] : []),
        ...(p.rule.retired !== null ? [_`r.serviceDate < ${p.rule.retired}`] : []),
      ];
      const conds = p.cond.k === 'const' ? dates : [...dates, printExpr(p.cond, this)];
      return conds.length === 0 ? push : _`if (${join(conds, ' && ')}) ${push}`;
    });
    return this.shared(kind, kind === 'check' ? _`r, e, d, u, f` : _`it, r, e, d, u, f`, join(stmts, '\n'));
  }

  private billable(v: VariantPlan): Code {
    if (!v.billable) return this.shared('units', _`r`, _`return r.units;`);
    return this.shared('units', _`r`, _`const u = ${printExpr(v.billable, this)};\nreturn typeof u === "number" ? u : r.units;`);
  }

  /**
   * The edition's cross-line driver: `group` notes each kept line's group keys as it arrives (runtime
   * noteKey); once every line is in, `cross` builds the groups (buildGroups) and runs each line's
   * cross-line check.
   */
  private crossDriver(): { group: Code; cross: Code } {
    if (this.plan.slots.length === 0) return { group: _`null`, cross: _`null` };
    // Slots keyed alike are noted together: a line's key is made and looked up once for all of them.
    const byKey = new Map<string, number[]>();
    this.plan.slots.forEach((group, slot) => {
      const same = byKey.get(JSON.stringify(group.key));
      if (same) same.push(slot);
      else byKey.set(JSON.stringify(group.key), [slot]);
    });
    // A line's membership is noted as bits of one number (runtime KeyNotes.marks): at most 31 slots per GroupKey.
    const keyed = [...byKey.values()].flatMap((slots) => Array.from({ length: Math.ceil(slots.length / 31) }, (_x, c) => slots.slice(31 * c, 31 * c + 31)));
    const calls = keyed.map((slots, m) => {
      const key = this.plan.slots[slots[0]!]!.key;
      const keyOf = key.length === 1 && key[0] !== 'lineNumber'
        ? _`(r) => r.${name(key[0]!)}`
        : _`(r) => JSON.stringify([${join(key.map((k) => _`r.${name(k)}`), ', ')}])`;
      const K = this.id('K', m);
      this.decls.push(_`const ${K} = { slots: ${literal(slots)}, keyOf: ${keyOf}, perDay: ${literal(slots.map((s) => this.plan.slots[s]!.perDay))}, total: ${this.plan.slots.length} };`);
      return { note: _`noteKey(it, notes, ${m}, ${K});`, build: _`buildGroups(items, notes, ${m}, ${K});` };
    });
    const group = this.id('groupAll', 0);
    this.decls.push(_`function ${group}(it, notes) {\n${indent(join(calls.map((c) => c.note), '\n'))}\n}`);
    const cross = this.id('crossAll', 0);
    this.decls.push(_`function ${cross}(items, notes) {\n${indent(join(calls.map((c) => c.build), '\n'))}\n  for (let i = 0; i < items.length; i++) {\n    const it = items[i];\n    if (it.x.cross !== null) it.x.cross(it, it.r, it.x.e, it.x.d, it.res.billableUnits, it.res.findings);\n  }\n}`);
    return { group, cross };
  }

  private variant(v: VariantPlan, id: number, entryRef: Code, resultAttributes: readonly AttributeDecl[]): Code {
    const e = v.entry;
    const view = {
      guidanceVersion: this.plan.version, combination: e.combination, code: e.code, modifiers: [...e.modifiers].sort(),
      program: e.program, service: e.service, delivery: v.delivery,
      ...Object.fromEntries([...e.attributes].map(([name, value]) => [name, value as never])),
      unit: e.unit, description: descriptionOf(e, v.delivery),
      effective: e.effective === null ? null : formatDay(e.effective), retired: e.retired === null ? null : formatDay(e.retired), cite: e.cite ?? '',
    };
    const notEffective = this.shared('notEffective', _`r, e, d, u`, _`return ${this.finding(this.plan.builtin.effective, _`${this.message(this.plan.builtin.effective.message)}(r, e, d, u, null)`)};`);
    // Probing (tests of the language) keeps every line and gives each its groups.
    const cross = this.probing && v.cross.length === 0 ? _`() => {}` : this.rules('cross', v.cross);
    const probes = this.probing ? _`, probes: [${join(v.probes.map((p) => _`(it, r, e, d, u) => ${printExpr(p, this)}`), ', ')}]` : _``;
    return _`{ id: ${id}, e: ${entryRef}, d: ${v.delivery}, mods: ${literal([...v.modifiers].sort())}, from: ${v.from}, until: ${v.until}, check: ${this.rules('check', v.line)}, billable: ${this.billable(v)}, cross: ${cross}, notEffective: ${notEffective}, member: ${literal(v.member)}, found: ${v.member.some(Boolean)}, view: deepFreeze(${literal(view)})${probes} }`;
  }

  print(): { decls: Code; ref: Code } {
    const plan = this.plan;
    const rs = plan.rules;
    for (const b of rs.bandings.values()) this.decls.push(_`const ${this.banding(b.name)} = Object.freeze(${literal(runtimeBanding(b))});`);
    for (const e of rs.entries) {
      const fields: Record<string, Value> = { program: e.program, service: e.service, combination: e.combination, unit: e.unit, description: e.description };
      // The entry's own wording per way of delivery, as [delivery, description] pairs (runtime describedAs).
      if (e.deliveryDescriptions?.size) fields.deliveryDescriptions = [...e.deliveryDescriptions].map(([d, text]) => [d, text]);
      for (const [k, v] of e.attributes) fields[k] = v;
      this.decls.push(_`const ${this.id('E', e.index)} = Object.freeze(${literal(fields as never)});`);
    }
    // Each variant once, named: the lookup by key and the list by code (for tolerated extra modifiers) share them.
    const names = new Map<VariantPlan, Code>();
    this.variants.forEach((v, id) => {
      const ref = this.id('X', id);
      names.set(v, ref);
      this.decls.push(_`const ${ref} = ${this.variant(v, id, this.id('E', v.entry.index), plan.resultAttributes)};`);
    });
    const lookup = plan.lookup.map(({ key, variants }) => _`  [${key}, [${join(variants.map((v) => names.get(v)!), ', ')}]],`);
    const byCode = plan.universe.map((code) => _`  [${code}, [${join([...names].filter(([v]) => v.entry.code === code).map(([, ref]) => ref), ', ')}]],`);
    const { group, cross } = this.crossDriver();
    const invalid = plan.builtin.record;
    const combination = plan.builtin.combination;
    const undefinedMessage = _`${this.message(plan.undefinedMessage)}(r, null, null, null, null)`;
    const undefinedCombination = _`(r) => (${this.finding(combination, undefinedMessage, null)})`;
    // The combination check's compliance date is when extra modifiers stop being tolerated.
    const until = combination.enforcedFrom ?? -Infinity;
    const toleratedNote = combination.enforcedFrom === null ? '' : ` before ${formatDay(combination.enforcedFrom)}`;
    const tolerated = _`(r, extra) => ({ rule: ${combination.id}, category: ${combination.category}, severity: "warning", message: ${undefinedMessage} + ${' (extra modifiers tolerated'} + ${toleratedNote} + ": read as " + r.procedureCode + " without " + extra.join(" ") + ")", cite: ${combination.cite ?? ''} })`;
    const ref = name(`V${this.ei}`);
    const edition = _`const ${ref} = {
  version: ${plan.version},
  index: ${this.ei},
  published: ${plan.published},
  universe: new Set(${literal(plan.universe)}),
  lookup: new Map([
${join(lookup, '\n')}
  ]),
  invalid: ${literal({ rule: invalid.id, category: invalid.category, severity: invalid.severity, cite: invalid.cite ?? '' })},
  byModifiers: null,
  undefinedCombination: ${undefinedCombination},
  toleratedUntil: ${until},
  byCode: new Map([
${join(byCode, '\n')}
  ]),
  tolerated: ${tolerated},
  group: ${group},
  cross: ${cross},
  shard: ${literal(shardFields(plan))},
  choices: deepFreeze(${literal(plan.choices as never)}),
  defining: new Set(${literal(plan.defining)}),
  tables: null,
};`;
    return { decls: join([...this.decls, edition], '\n\n'), ref };
  }
}

/**
 * The record fields every cross-line group of an edition keys on (runtime engine shardKeyOf): lines that
 * differ in them never meet in a group. Null when the edition has no groups.
 */
function shardFields(plan: EditionPlan): string[] | null {
  if (plan.slots.length === 0) return null;
  return plan.slots.map((g) => g.key).reduce((common, key) => common.filter((k) => key.includes(k)));
}

/** What a finding found before its rule's compliance date adds to its message. */
export function enforcementNote(day: number): string {
  return ` (enforced from ${formatDay(day)}; a warning until then)`;
}

export interface Bundle {
  js: string;
  dts: string;
  manifest: Manifest;
}

/** What a bundle holds, written beside it as JSON. */
export interface Manifest {
  guidance: string;
  title: string;
  versions: { version: string; published: string; appliesFrom: string; extends: string | null; entries: number; rules: number }[];
  sourceHash: string;
  generator: string;
}

/** The result fields every line has, with the attributes the editions show in results (in declaration order). */
function resultShape(plan: ValidatorPlan): { newResult: Code; fillResult: Code } {
  const attrs = [...new Set(plan.editions.flatMap((e) => e.resultAttributes.map((a) => a.name)))];
  // Attribute names are identifiers (the schema's `name`), never __proto__ (the loader refuses it).
  const nulls = attrs.map((a) => _`${literal(a)}: null, `);
  const newResult = _`function newResult(index, claimId, lineNumber, status, version) {
  return { index, claimId, lineNumber, status, program: null, service: null, delivery: null, ${nulls}billableUnits: null, guidanceVersion: version, findings: [] };
}`;
  const fill = attrs.map((a) => _`\n  res[${a}] = e[${a}];`);
  const fillResult = _`function fillResult(res, e, d) {
  res.program = e.program;
  res.service = e.service;
  res.delivery = d;${fill}
}`;
  return { newResult, fillResult };
}

/** Print one module for the given editions of a guidance. */
export function emitBundle(editions: RuleSet[], sourceHash: string, profile: ProfileObject | null = null): Bundle {
  return printBundle(planGuidance(editions, sourceHash, profile));
}

/**
 * Print a plan. With `probing`, the module also exports `probe(lines, i)`: the value of the plan's probe
 * expression `i` for the first line, judged among the others (compiler/probe.ts).
 */
export function printBundle(plan: ValidatorPlan, probing = false): Bundle {
  const link = new Linker();
  link.module(record);
  link.module(engine);
  link.module(groups);
  link.module(profileRuntime);
  const printed = plan.editions.map((e, i) => new EditionPrinter(e, i, link, probing).print());
  const meta = deepFrozenMeta(plan);
  const shape = resultShape(plan);
  const js = join([
    comment(`Generated by codeguide from ${plan.guidance} ${meta.versions.join(', ')} (source sha256 ${plan.sourceHash}). Do not edit.`),
    comment('Standalone: imports nothing; runs in Node >= 20 and in browsers.'),
    _`// ---- runtime`,
    link.code(),
    emitRecordCheck(),
    _`function deepFreeze(o) {\n  for (const k of Object.keys(o)) if (o[k] !== null && typeof o[k] === "object") deepFreeze(o[k]);\n  return Object.freeze(o);\n}`,
    shape.newResult,
    shape.fillResult,
    ...printed.map((v, i) => _`// ---- guidance edition ${literal(plan.editions[i]!.version)}\n${v.decls}`),
    // The plan profile compiled in (or the rule files' defaults) sets each edition's tables (runtime/profile.js).
    _`const BUNDLE = withCompiledProfile({ editions: [${join(printed.map((v) => v.ref), ', ')}], guidance: ${plan.guidance}, profile: ${plan.profile ? _`deepFreeze(${literal(plan.profile as never)})` : _`null`}, newResult, fillResult, keepAll: ${probing} });`,
    _`/** What this bundle was compiled from. */\nexport const meta = deepFreeze(${literal(meta as never)});`,
    _`/** Judge lines with every rule, cross-line rules included: one result per input, same order. Never throws on bad records. */\nexport function validate(lines, options) {\n  return validateLines(BUNDLE, lines, options);\n}`,
    _`/** Judge one line with its line-level rules only. */\nexport function validateLine(line, options) {\n  return validateOneLine(BUNDLE, line, options);\n}`,
    _`/** validate() for input that arrives a line at a time: add(line) each, then finish() gives the results. */\nexport function createValidator(options) {\n  return startValidation(BUNDLE, options);\n}`,
    _`/** Lines whose shard keys differ never change each other's results: a caller with more lines than memory validates each shard on its own. Null: judge the line alone (validateLine). */\nexport function shardKey(line, options) {\n  return shardKeyOf(BUNDLE, line, options);\n}`,
    _`/** The catalogue entry a code and modifiers define (in force on serviceDate when given), or null. Frozen. */\nexport function classify(procedureCode, modifiers, serviceDate) {\n  return classifyCombination(BUNDLE, procedureCode, modifiers, serviceDate);\n}`,
    ...(probing ? [_`export function probe(lines, i) {\n  const run = startValidation(BUNDLE);\n  for (const line of lines) run.add(line);\n  run.finish();\n  const it = run.item(0);\n  return it === null ? { unclassified: true } : { value: it.x.probes[i](it, it.r, it.x.e, it.x.d, it.res.billableUnits) };\n}`] : []),
  ], '\n\n').toString() + '\n';
  const manifest: Manifest = {
    guidance: plan.guidance,
    title: plan.title,
    versions: plan.editions.map((e) => ({ ...meta.releases.find((r) => r.version === e.version)!, entries: e.rules.entries.length, rules: e.rules.rules.length })),
    sourceHash: plan.sourceHash,
    generator: 'codeguide',
  };
  const attributes = (pick: (e: EditionPlan) => readonly AttributeDecl[]) =>
    [...new Map(plan.editions.flatMap((e) => pick(e).map((a) => [a.name, a] as const))).values()];
  return { js, dts: bundleDeclarations(attributes((e) => e.resultAttributes), attributes((e) => [...e.rules.attributes.values()])), manifest };
}

function deepFrozenMeta(plan: ValidatorPlan) {
  const g = (e: EditionPlan) => e.rules.guidance;
  return {
    guidance: plan.guidance,
    title: plan.title,
    versions: plan.editions.map((e) => e.version),
    releases: plan.editions.map((e) => ({ version: e.version, published: g(e).published, appliesFrom: g(e).appliesFrom, extends: g(e).extends })),
    sourceHash: plan.sourceHash,
    // Plan profiles: the choices a profile may select among (the newest edition's declaration of each), and the profile compiled in.
    choices: [...new Map([...plan.editions].reverse().flatMap((e) => e.choices.map((c) => [c.id, c] as const))).values()],
    profile: plan.profile?.name ?? (plan.profile ? '' : null),
  };
}
