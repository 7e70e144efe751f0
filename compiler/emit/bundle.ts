/**
 * Emit phase: one standalone ES module for one or more versions of a
 * guidance. The runtime (runtime/*.js) is inlined as written; everything
 * generated from rule files goes through the escaping code builder.
 */
import { readFileSync } from 'node:fs';
import { formatDay, parseDay } from '../../runtime/record.js';
import { aggregatesOf, fold, usesAggregates } from '../evaluate.ts';
import { LINE_FIELDS, variantConstants, variantsOf, type IR, type Rule, type RuleSet, type Value, type Variant } from '../model.ts';
import { _, comment, indent, join, literal, name, trustedSource, type Code } from './codegen.ts';
import { emitExpr, type EmitContext } from './expr.ts';
import { bundleDeclarations } from './dts.ts';
import { emitRecordCheck } from './record.ts';

const RUNTIME_FILES = ['record.js', 'engine.js'];

/** The runtime sources with their module syntax removed, ready to inline. */
function runtimeSource(): Code {
  const parts = RUNTIME_FILES.map((f) => {
    const text = readFileSync(new URL(`../../runtime/${f}`, import.meta.url), 'utf8');
    // Types and comments are for this repository's readers and type checker; the bundle keeps the code.
    const body = text
      .replace(/^\s*\/\*\*[\s\S]*?\*\/\n/gm, '')
      .split('\n')
      .filter((l) => !/^\s*\/\/ /.test(l) && !/^import .* from '\.\/[a-z]+\.js';$/.test(l) && !/^export \{.*\};$/.test(l))
      .join('\n')
      .replace(/\/\*\* @type \{[^}]*\} \*\/ ?/g, '')
      .trim();
    if (/^\s*(import|export)\b/m.test(body)) throw new Error(`runtime/${f}: module syntax left after inlining`);
    return `// ---- runtime/${f}\n${body}`;
  });
  return trustedSource(parts.join('\n\n'));
}

/** Everything generated for one version, as module-level declarations plus the name of its version object. */
class VersionEmitter implements EmitContext {
  private readonly decls: Code[] = [];
  private readonly sets = new Map<string, Code>();
  private readonly functions = new Map<string, Code>();
  private readonly slots: string[] = [];

  constructor(private readonly rs: RuleSet, private readonly vi: number) {}

  private id(kind: string, n: number | string): Code {
    return name(`${kind}${this.vi}_${n}`);
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

  bandingFunction(banding: string): Code {
    return this.id('band_', banding);
  }

  groupSlot(group: string): number {
    if (!this.slots.includes(group)) this.slots.push(group);
    return this.slots.indexOf(group);
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

  private message(rule: Rule): Code {
    const parts = rule.message.map((p) => {
      if ('text' in p) return literal(p.text);
      const f = p.field;
      if (f === 'delivery') return _`showValue(d, false)`;
      if (LINE_FIELDS[f]) return _`showValue(r.${name(f)}, ${f === 'serviceDate' || f === 'serviceDateEnd'})`;
      return _`(e === null ? "(none)" : showValue(e.${name(f)}, false))`;
    });
    return this.shared('msg', _`r, e, d`, _`return ${parts.length ? join(parts, ' + ') : literal('')};`);
  }

  private finding(rule: Rule): Code {
    return _`{ rule: ${rule.id}, category: ${rule.category}, severity: ${rule.severity}, message: ${this.message(rule)}(r, e, d), cite: ${rule.cite ?? ''} }`;
  }



  /**
   * The rules of one kind for one variant (an entry with or without a delivery modifier): each rule's
   * condition with the entry's fields as constants, dropping rules that can never hold. `null` when
   * none can — most lines then skip the kind altogether (for cross-line rules: never look at groups).
   */
  private specialised(kind: 'check' | 'cross', v: Variant, rules: Rule[]): Code {
    const consts = variantConstants(v);
    const stmts: Code[] = [];
    for (const rule of rules) {
      const cond = fold(rule.when!.ir, consts, this.rs.bandings);
      if (cond.k === 'const' && !cond.v) continue;
      const push = _`f.push(${this.finding(rule)});`;
      stmts.push(cond.k === 'const' ? push : _`if (${emitExpr(cond, this)}) ${push}`);
    }
    if (stmts.length === 0) return _`null`;
    return this.shared(kind, kind === 'check' ? _`r, e, d, f` : _`it, r, e, d, f`, join(stmts, '\n'));
  }

  private billable(v: Variant): Code {
    const expr = this.rs.unitBases.get(v.entry.unit)?.billableUnits;
    if (!expr) return this.shared('units', _`r`, _`return r.units;`);
    const ir = fold(expr.ir, variantConstants(v), this.rs.bandings);
    return this.shared('units', _`r`, _`const u = ${emitExpr(ir, this)};\nreturn typeof u === "number" ? u : r.units;`);
  }

  private bandings(): void {
    for (const b of this.rs.bandings.values()) {
      const lines: Code[] = [_`if (m === null || m < 0) return null;`, _`m = Math.floor(m);`];
      for (const band of b.bands) lines.push(_`if (m <= ${band.to}) return ${band.units};`);
      const last = b.bands[b.bands.length - 1]!;
      lines.push(b.every === null ? _`return null;` : _`return ${last.units + 1} + Math.floor((m - ${last.to + 1}) / ${b.every});`);
      this.decls.push(_`${comment(`banding ${b.name}`)}\nfunction ${this.bandingFunction(b.name)}(m) {\n${indent(join(lines, '\n'))}\n}`);
    }
  }

  /** For each group slot: can a line of this variant ever be the `other` an aggregate looks for? */
  private membership(v: Variant, aggregates: Extract<IR, { k: 'any' | 'count' }>[]): boolean[] {
    const consts = variantConstants(v);
    return this.slots.map((group) => aggregates.some((a) => {
      if (a.group !== group) return false;
      const pred = fold(a.pred, new Map(), this.rs.bandings, consts);
      return !(pred.k === 'const' && !pred.v);
    }));
  }

  /** Build the groups the cross-line rules look in, then run each line's cross-line check. */
  private crossDriver(): Code {
    if (this.slots.length === 0) return _`null`;
    const body: Code[] = this.slots.map((g, slot) => {
      const group = this.rs.groups.get(g)!;
      const keyOf = group.key.length === 1 && LINE_FIELDS[group.key[0]!]!.type === 'string'
        ? _`(r) => r.${name(group.key[0]!)}`
        : _`(r) => JSON.stringify([${join(group.key.map((k) => _`r.${name(k)}`), ', ')}])`;
      return _`groupInto(items, ${slot}, ${keyOf}, ${group.perDay});`;
    });
    body.push(_`for (let i = 0; i < items.length; i++) {\n  const it = items[i];\n  if (it.x.cross !== null) it.x.cross(it, it.r, it.e, it.d, it.f);\n}`);
    const ref = this.id('crossAll', 0);
    this.decls.push(_`function ${ref}(items) {\n${indent(join(body, '\n'))}\n}`);
    return ref;
  }

  emit(): { decls: Code; ref: Code } {
    const rs = this.rs;
    const rule = (check: string) => rs.rules.find((r) => r.check === check)!;
    const lineRules = rs.rules.filter((r) => r.when && !usesAggregates(r.when.ir));
    const crossRules = rs.rules.filter((r) => r.when && usesAggregates(r.when.ir));
    const aggregates = crossRules.flatMap((r) => aggregatesOf(r.when!.ir));
    for (const a of aggregates) this.groupSlot(a.group);
    this.bandings();

    const lookup = new Map<string, { from: number; code: Code }[]>();
    for (const e of rs.entries) {
      this.decls.push(_`const ${this.id('E', e.index)} = Object.freeze(${literal({
        program: e.program, service: e.service, staff: e.staff, outreach: e.outreach, combination: e.combination,
        unit: e.unit, amountRequired: e.amountRequired, description: e.description,
      })});`);
    }
    for (const v of variantsOf(rs)) {
      const e = v.entry;
      const key = [e.code, ...[...v.modifiers].sort()].join(':');
      const view = {
        guidanceVersion: rs.guidance.version, combination: e.combination, code: e.code, modifiers: [...e.modifiers].sort(),
        program: e.program, service: e.service, delivery: v.delivery, staff: e.staff, outreach: e.outreach, unit: e.unit,
        amountRequired: e.amountRequired, description: e.description,
        effective: e.effective === null ? null : formatDay(e.effective), retired: e.retired === null ? null : formatDay(e.retired), cite: e.cite ?? '',
      };
      const member = this.membership(v, aggregates);
      const variant = _`{ e: ${this.id('E', e.index)}, d: ${v.delivery}, from: ${e.effective ?? -Infinity}, until: ${e.retired ?? Infinity}, check: ${this.specialised('check', v, lineRules)}, billable: ${this.billable(v)}, cross: ${this.specialised('cross', v, crossRules)}, member: ${literal(member)}, found: ${member.some(Boolean)}, view: Object.freeze(${literal(view)}) }`;
      lookup.set(key, [...(lookup.get(key) ?? []), { from: e.effective ?? -Infinity, code: variant }]);
    }
    const cross = this.crossDriver();
    const invalid = rule('record');
    const undef = rule('combination');
    const notEff = rule('effective');
    const lookupCode = [...lookup.entries()].map(([key, vs]) => {
      const sorted = [...vs].sort((a, b) => a.from - b.from).map((v) => v.code);
      return _`  [${key}, [${join(sorted, ', ')}]],`;
    });
    const ref = name(`V${this.vi}`);
    const versionObject = _`const ${ref} = {
  version: ${rs.guidance.version},
  index: ${this.vi},
  appliesFrom: ${parseDay(rs.guidance.appliesFrom)},
  universe: new Set(${literal([...new Set(rs.entries.map((e) => e.code))].sort())}),
  lookup: new Map([
${join(lookupCode, '\n')}
  ]),
  invalid: ${literal({ rule: invalid.id, category: invalid.category, severity: invalid.severity, cite: invalid.cite ?? '' })},
  undefinedCombination: (r) => { const e = null, d = null; return ${this.finding(undef)}; },
  notEffective: (r, e, d) => (${this.finding(notEff)}),
  cross: ${cross},
};`;
    return { decls: join([...this.decls, versionObject], '\n\n'), ref };
  }
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
  versions: { version: string; published: string; appliesFrom: string; supersedes: string | null; entries: number; rules: number }[];
  sourceHash: string;
  generator: string;
}

/** Emit one module for the given versions of a guidance (sorted by appliesFrom). */
export function emitBundle(versions: RuleSet[], sourceHash: string): Bundle {
  const sorted = [...versions].sort((a, b) => parseDay(a.guidance.appliesFrom) - parseDay(b.guidance.appliesFrom));
  const latest = sorted[sorted.length - 1]!;
  const emitted = sorted.map((rs, i) => new VersionEmitter(rs, i).emit());
  const meta = {
    guidance: latest.guidance.id,
    title: latest.guidance.title,
    versions: sorted.map((rs) => rs.guidance.version),
    releases: sorted.map((rs) => ({ version: rs.guidance.version, published: rs.guidance.published, appliesFrom: rs.guidance.appliesFrom, supersedes: rs.guidance.supersedes })),
    sourceHash,
  };
  const js = join([
    comment(`Generated by codeguide from ${meta.guidance} ${meta.versions.join(', ')} (source sha256 ${sourceHash}). Do not edit.`),
    comment('Standalone: imports nothing; runs in Node >= 20 and in browsers.'),
    runtimeSource(),
    emitRecordCheck(),
    ...emitted.map((v, i) => _`// ---- guidance version ${literal(sorted[i]!.guidance.version)}\n${v.decls}`),
    _`const VERSIONS = [${join(emitted.map((v) => v.ref), ', ')}];`,
    _`/** What this bundle was compiled from. */\nexport const meta = Object.freeze(${literal(meta)});`,
    _`/** Judge lines with every rule, cross-line rules included: one result per input, same order. Never throws on bad records. */\nexport function validate(lines, options) {\n  return validateLines(VERSIONS, lines, options);\n}`,
    _`/** Judge one line with its line-level rules only. */\nexport function validateLine(line, options) {\n  return validateOneLine(VERSIONS, line, options);\n}`,
    _`/** validate() for input that arrives a line at a time: add(line) each, then finish() gives the results. */\nexport function createValidator(options) {\n  return startValidation(VERSIONS, options);\n}`,
    _`/** The catalogue entry a code and modifiers define (in force on serviceDate when given), or null. */\nexport function classify(procedureCode, modifiers, serviceDate) {\n  return classifyCombination(VERSIONS, procedureCode, modifiers, serviceDate);\n}`,
  ], '\n\n').toString() + '\n';
  const manifest: Manifest = {
    guidance: meta.guidance,
    title: meta.title,
    versions: sorted.map((rs) => ({ ...meta.releases.find((r) => r.version === rs.guidance.version)!, entries: rs.entries.length, rules: rs.rules.length })),
    sourceHash,
    generator: 'codeguide',
  };
  return { js, dts: bundleDeclarations(), manifest };
}

