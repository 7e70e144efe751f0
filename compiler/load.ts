/**
 * Load phase: read a version folder's YAML files, check their structure, and
 * gather the declarations of all files into one rule set (expressions still
 * unparsed; resolve.ts does that). Returns diagnostics; never throws.
 */
import { createHash } from 'node:crypto';
import { relative } from 'node:path';
import { parseDay } from '../runtime/record.js';
import { didYouMean, type Diagnostic } from './diagnostics.ts';
import { combinationKey, isCodePattern, patternKey } from './codes.ts';
import { findVersions, isRuleFileName, listFolder, readRuleFile } from './files.ts';
import type { AttributeDecl, BuiltinCheck, GuidanceMeta, PendingExpr, RuleSet, ServiceEntry, Value } from './model.ts';
import { checkStructure } from './schema.ts';
import { gatherChoices } from './profile/choices.ts';
import { collectDeclarations, extendDeclarations, fieldAt, type Decl, type Declarations } from './editions.ts';
import { diagnosticAt, fileDiagnostic, loadSource, type Place, type SourceFile } from './source.ts';

/** A version's declarations, gathered from its files, with expressions not yet parsed. */
export interface LoadedRuleSet {
  rules: RuleSet<PendingExpr>;
  files: SourceFile[];
  /** Every declaration as written, field by field with its place: what an edition extending this one builds on. */
  declarations: Declarations;
}

/**
 * The version folders of a guidance folder, oldest first. Entries that cannot
 * be followed are skipped here; `findVersions` (files.ts) also reports them.
 */
export function listVersions(guidanceDir: string): string[] {
  return findVersions(guidanceDir).versions.sort(compareVersions);
}

/** Compare version strings part by part, numerically where both parts are numbers ("1.10" after "1.9"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = Number(x);
    const ny = Number(y);
    const d = x !== '' && y !== '' && Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x < y ? -1 : x > y ? 1 : 0;
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Read and structure-check every rule file of one version folder. Only
 * regular files are read (files.ts); each file that cannot be is its own
 * diagnostic, and the others are still read. The files of an edition that
 * extends another are not structure-checked here: their entries may give the
 * attributes the base declares, which only the caller knows.
 */
export function readVersion(versionDir: string): { files: SourceFile[]; diagnostics: Diagnostic[] } {
  const shownDir = relative(process.cwd(), versionDir) || '.';
  const listing = listFolder(versionDir);
  if (listing.error !== null) {
    return { files: [], diagnostics: [fileDiagnostic(shownDir, 'read-error', `cannot read the folder: ${listing.error}`, 'check the path')] };
  }
  const entries = listing.entries.filter((e) => isRuleFileName(e.name));
  if (entries.length === 0) {
    return { files: [], diagnostics: [fileDiagnostic(shownDir, 'no-rules', 'no .yaml rule files here', 'rule files live in rules/<guidance>/<version>/*.yaml')] };
  }
  const files: SourceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const entry of entries) {
    const shown = relative(process.cwd(), entry.path);
    const read = readRuleFile(entry.path, shown);
    if (!read.file) {
      diagnostics.push(read.diagnostic!);
      continue;
    }
    const loaded = loadSource(shown, read.file.bytes, read.file.size);
    files.push(loaded.file);
    diagnostics.push(...loaded.diagnostics);
  }
  // Structure is checked once every file is read: entries may use the attributes any file declares, so a file
  // that could not be read would make the others' attributes look unknown.
  if (diagnostics.some((d) => d.severity === 'error')) return { files, diagnostics };
  // An edition that extends another is checked by its reader (compile.ts), with its base's attributes.
  if (extendsAnother(files)) return { files, diagnostics };
  const attributes = declaredAttributes(files);
  for (const file of files) if (!diagnostics.some((d) => d.file === file.path)) diagnostics.push(...checkStructure(file, attributes));
  return { files, diagnostics };
}

type Obj = Record<string, unknown>;

/** Whether the edition's guidance section (in the first file that has one) names an edition it extends. */
export function extendsAnother(files: readonly SourceFile[]): boolean {
  const gFile = files.find((f) => isObj(f.data) && isObj(f.data.guidance));
  return gFile !== undefined && ((gFile.data as Obj).guidance as Obj).extends !== undefined;
}

/** The attribute names the files declare (under `attributes:`), sorted. */
function declaredAttributes(files: readonly SourceFile[]): string[] {
  const names = new Set<string>();
  for (const f of files) {
    const section = isObj(f.data) ? f.data.attributes : undefined;
    if (isObj(section)) for (const name of Object.keys(section)) names.add(name);
  }
  return [...names].sort();
}

/**
 * Gather the declarations of structurally valid files into one rule set. An edition that extends another
 * is read over `base`, its base's declarations (compiler/editions.ts): the result is a complete rule set,
 * every item at the place of the file that last defined it. Examples are the edition's own.
 */
export function gather(files: SourceFile[], versionDir: string, guidanceId: string, version: string, base: { declarations: Declarations; sourceHash: string } | null = null): { loaded: LoadedRuleSet | null; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const hash = createHash('sha256');
  if (base) hash.update(`${base.sourceHash}\0`);
  for (const f of files) hash.update(`${f.path.split(/[\\/]/).pop()}\0${f.text}\0`);

  const guidanceDecls = files.filter((f) => isObj(f.data) && f.data.guidance !== undefined);
  if (guidanceDecls.length === 0) {
    diagnostics.push(fileDiagnostic(relative(process.cwd(), versionDir) || '.', 'guidance-missing', 'no rule file declares the `guidance` section',
      'add a guidance.yaml with guidance: { id, title, version, published, appliesFrom, cite }'));
    return { loaded: null, diagnostics };
  }
  for (const extra of guidanceDecls.slice(1)) {
    diagnostics.push(diagnosticAt({ file: extra, path: ['guidance'], key: true }, 'guidance-repeated',
      `the guidance section is already declared in ${guidanceDecls[0]!.path}`, 'keep one guidance section per version'));
  }
  const gFile = guidanceDecls[0]!;
  const g = (gFile.data as Obj).guidance as Obj;
  const guidance: GuidanceMeta = {
    id: String(g.id), title: String(g.title), version: String(g.version), published: String(g.published),
    appliesFrom: String(g.appliesFrom), extends: g.extends === undefined ? null : String(g.extends),
    cite: String(g.cite), place: { file: gFile, path: ['guidance'] },
  };
  if (guidance.id !== guidanceId) {
    diagnostics.push(diagnosticAt({ file: gFile, path: ['guidance', 'id'] }, 'guidance-mismatch',
      `guidance id "${guidance.id}" differs from its folder "${guidanceId}"`, `write id: ${guidanceId}, or move the files`));
  }
  if (guidance.version !== version) {
    diagnostics.push(diagnosticAt({ file: gFile, path: ['guidance', 'version'] }, 'guidance-mismatch',
      `guidance version "${guidance.version}" differs from its folder "${version}"`, `write version: "${version}", or rename the folder`));
  }
  for (const key of ['published', 'appliesFrom'] as const) {
    if (parseDay(guidance[key]) < 0) diagnostics.push(diagnosticAt({ file: gFile, path: ['guidance', key] }, 'bad-value', `${guidance[key]} is not a real date`, 'write a date that exists, YYYY-MM-DD'));
  }

  const own = collectDeclarations(files, diagnostics);
  const decls = extendDeclarations(base?.declarations ?? null, own, files, diagnostics);
  const cite = (o: Obj): string | null => (typeof o.cite === 'string' && o.cite.trim() !== '' ? o.cite : null);

  const dates = new Map<string, RuleSet['dates'] extends Map<string, infer D> ? D : never>();
  for (const [name, d] of decls.named.dates) {
    const o = d.fields;
    const day = parseDay(o.date);
    if (day < 0) diagnostics.push(diagnosticAt(fieldAt(d, 'date'), 'bad-value', `${String(o.date)} is not a real date`, 'write a date that exists, YYYY-MM-DD'));
    dates.set(name, { name, date: String(o.date), day, note: String(o.note ?? ''), cite: cite(o), place: d.place });
  }
  /** A date written as YYYY-MM-DD or as the name of a declared date: its day number, or null (reported). */
  const dateRef = (v: string, where: Place): number | null => {
    if (/^\d{4}-/.test(v)) {
      const day = parseDay(v);
      if (day < 0) diagnostics.push(diagnosticAt(where, 'bad-value', `${v} is not a real date`, 'write a date that exists, YYYY-MM-DD'));
      return day < 0 ? null : day;
    }
    const named = dates.get(v);
    if (!named) {
      diagnostics.push(diagnosticAt(where, 'unknown-name', `no date named "${v}"`, didYouMean(v, dates.keys(), 'declare it under dates, or write YYYY-MM-DD')));
      return null;
    }
    return named.day;
  };

  const modifiers = new Map<string, { meaning: string; cite: string | null; place: Place }>();
  for (const [name, d] of decls.named.modifiers) modifiers.set(name, { meaning: String(d.fields.meaning), cite: cite(d.fields), place: d.place });

  let delivery = { default: 'in-person', modifiers: new Map<string, string>() };
  if (decls.delivery) {
    const d = decls.delivery;
    delivery = { default: String(d.fields.default), modifiers: new Map(Object.entries(d.fields.modifiers as Obj).map(([k, v]) => [k, String(v)])) };
    const at = fieldAt(d, 'modifiers');
    for (const mod of delivery.modifiers.keys()) {
      if (!modifiers.has(mod)) diagnostics.push(diagnosticAt({ ...at, path: [...at.path, mod], key: true }, 'unknown-modifier', `delivery modifier ${mod} is not declared under modifiers`, didYouMean(mod, modifiers.keys(), `declare ${mod} under modifiers`)));
    }
  }

  const sets = new Map<string, RuleSet['sets'] extends Map<string, infer S> ? S : never>();
  for (const [name, d] of decls.named.sets) {
    const o = d.fields;
    const items = o.items as (string | number)[];
    const kinds = new Set(items.map((v) => (typeof v === 'number' ? 'number' : isCodePattern(v) ? 'code' : 'string')));
    const itemType = kinds.has('number') ? 'number' : kinds.size === 1 && kinds.has('code') ? 'code' : 'string';
    if (kinds.has('number') && kinds.size > 1) diagnostics.push(diagnosticAt(fieldAt(d, 'items'), 'type-mismatch', `set ${name} mixes numbers and text`, 'quote the numbers ("02") or make every item a number'));
    // Code patterns are kept as combination keys (modifiers sorted), the form the `combination` field has.
    const values = itemType === 'code' ? items.map((v) => patternKey(String(v))) : items;
    sets.set(name, { name, items: values, itemType, cite: cite(o), place: placeOwning(d, 'items') });
  }

  const bandings = new Map<string, RuleSet['bandings'] extends Map<string, infer B> ? B : never>();
  for (const [name, d] of decls.named.bandings) {
    const o = d.fields;
    const at = fieldAt(d, 'bands');
    const bands = (o.bands as Obj[]).map((b, i) => ({ from: Number(b.from), to: Number(b.to), units: Number(b.units), place: { ...at, path: [...at.path, i] } }));
    const every = isObj(o.continue) ? Number(o.continue.every) : null;
    bandings.set(name, { name, bands, every, cite: cite(o), place: placeOwning(d, 'bands') });
  }

  const unitBases: RuleSet<PendingExpr>['unitBases'] = new Map();
  for (const [name, d] of decls.named.unitBases) {
    const o = d.fields;
    const expr = o.billableUnits === undefined ? null : { text: String(o.billableUnits), place: fieldAt(d, 'billableUnits') };
    unitBases.set(name, { name, label: String(o.label), billableUnits: expr, cite: cite(o), place: d.place });
  }

  const groups = new Map<string, RuleSet['groups'] extends Map<string, infer G> ? G : never>();
  for (const [name, d] of decls.named.groups) {
    const o = d.fields;
    groups.set(name, { name, key: (o.key as unknown[]).map(String), perDay: o.per === 'day', description: String(o.description ?? ''), place: placeOwning(d, 'key') });
  }

  const categories = new Map<string, { severity: 'error' | 'warning'; description: string; place: Place }>();
  for (const [name, d] of decls.named.categories) categories.set(name, { severity: d.fields.severity as 'error' | 'warning', description: String(d.fields.description ?? ''), place: d.place });

  const attributes = new Map<string, AttributeDecl>();
  for (const [name, d] of decls.named.attributes) {
    const o = d.fields;
    const values = Array.isArray(o.values) ? o.values.map(String) : null;
    const type = o.type === 'boolean' ? 'bool' : o.type === 'number' ? 'number' : 'string';
    if (o.type === undefined && values === null) {
      diagnostics.push(diagnosticAt({ ...d.place, key: true }, 'missing-key', `attribute ${name} has neither a type nor values`, 'add type: boolean | string | number, or values: [a, b]'));
    }
    attributes.set(name, { name, type, values, result: o.result === true, description: String(o.description ?? ''), place: d.place });
  }

  const entries: ServiceEntry[] = [];
  for (const d of decls.entries) {
    const e = d.fields;
    const pick = <T>(key: string, fallback: T): T => (e[key] !== undefined ? e[key] : fallback) as T;
    const dateOf = (key: 'effective' | 'retired'): number | null => {
      const v = pick<string | null>(key, null);
      return v === null ? null : dateRef(v, fieldAt(d, key));
    };
    const code = String(e.code);
    const mods = (e.modifiers as unknown[]).map(String);
    const attrs = new Map<string, Value>();
    for (const a of attributes.values()) {
      const v = pick<unknown>(a.name, a.type === 'bool' ? false : null);
      const problem = attributeProblem(a, v);
      if (problem) diagnostics.push(diagnosticAt(fieldAt(d, a.name), 'bad-value', problem.message, problem.hint));
      attrs.set(a.name, v as Value);
    }
    const deliveryDescriptions = new Map<string, string>();
    if (isObj(e.deliveryDescriptions)) {
      const at = fieldAt(d, 'deliveryDescriptions');
      const ways = [...delivery.modifiers.values()];
      for (const [way, text] of Object.entries(e.deliveryDescriptions)) {
        if (ways.includes(way)) deliveryDescriptions.set(way, String(text));
        else diagnostics.push(diagnosticAt({ ...at, path: [...at.path, way], key: true }, 'unknown-value', `"${way}" is not a way of delivery a delivery modifier gives`, didYouMean(way, ways, `ways of delivery: ${ways.join(', ') || '(none declared)'}`)));
      }
    }
    entries.push({
      index: entries.length,
      combination: combinationKey(code, mods),
      code, modifiers: mods,
      program: String(e.program), service: String(e.service),
      description: String(e.description ?? ''),
      deliveryDescriptions,
      unit: pick('unit', ''),
      attributes: attrs,
      effective: dateOf('effective'), retired: dateOf('retired'),
      deliveryAllowed: pick('delivery', true),
      cite: cite(e),
      place: d.place,
      fieldPlaces: d.places,
    });
  }

  const rules: RuleSet<PendingExpr>['rules'] = [];
  for (const d of decls.rules) {
    const r = d.fields;
    const category = String(r.category);
    const severity = (r.severity as 'error' | 'warning' | undefined) ?? categories.get(category)?.severity ?? 'error';
    const dated = (key: 'effective' | 'retired' | 'enforcedFrom') => (typeof r[key] === 'string' ? dateRef(r[key] as string, fieldAt(d, key)) : null);
    rules.push({
      id: String(r.id), category, severity,
      check: (r.check as BuiltinCheck | undefined) ?? null,
      over: typeof r.over === 'string' ? r.over : null,
      when: r.when === undefined ? null : { text: String(r.when), place: fieldAt(d, 'when') },
      exclusive: Array.isArray(r.exclusive) ? { combinations: r.exclusive.map(String), place: fieldAt(d, 'exclusive') } : null,
      message: typeof r.message === 'string'
        ? { text: r.message, place: fieldAt(d, 'message') }
        : { text: defaultMessage(category, Array.isArray(r.exclusive)), place: null },
      effective: dated('effective'), retired: dated('retired'), enforcedFrom: dated('enforcedFrom'),
      cite: cite(r), place: d.place,
      fieldPlaces: d.places,
    });
  }

  const examples: RuleSet['examples'] = [];
  for (const file of files) {
    if (!isObj(file.data) || !Array.isArray(file.data.examples)) continue;
    const defaults = isObj(file.data.exampleDefaults) ? file.data.exampleDefaults : {};
    (file.data.examples as Obj[]).forEach((ex, i) => {
      const place: Place = { file, path: ['examples', i] };
      const lines = (Array.isArray(ex.lines) ? ex.lines : ex.line !== undefined ? [ex.line] : []) as Obj[];
      const exampleNo = examples.length + 1;
      const filled = lines.map((l, n) => ({ claimId: `EX-${exampleNo}`, lineNumber: n + 1, ...defaults, ...l }));
      const expects = (Array.isArray(ex.expect) ? ex.expect : [ex.expect]) as Obj[];
      examples.push({
        name: String(ex.name), lines: filled, place,
        expect: expects.map((x) => {
          const { status, findings, ...fields } = x;
          return { status: String(status), fields, findings: Array.isArray(findings) ? findings.map(String) : null };
        }),
      });
    });
  }

  // Plan choices (compiler/profile/choices.ts).
  const choices = gatherChoices(files, diagnostics);

  const loaded: LoadedRuleSet = {
    files,
    declarations: decls,
    rules: { guidance, dates, modifiers, delivery, sets, bandings, unitBases, groups, attributes, entries, categories, choices, rules, examples, sourceHash: hash.digest('hex') },
  };
  return { loaded, diagnostics };
}

/** The place of the declaration that gave a field: sub-paths (items, bands) resolve in that file. */
function placeOwning(d: Decl, field: string): Place {
  const at = fieldAt(d, field);
  return { ...at, path: at.path.slice(0, -1) };
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function defaultMessage(category: string, exclusive: boolean): string {
  const base = `${category.replace(/-/g, ' ')}: {procedureCode} {modifiers}`;
  return exclusive ? `${base} from {serviceDate} conflicts with {other.procedureCode} {other.modifiers} of claim {other.claimId} line {other.lineNumber}` : base;
}

/** Why an attribute value does not fit its declaration, or null when it does. */
function attributeProblem(a: AttributeDecl, v: unknown): { message: string; hint: string } | null {
  if (a.type === 'bool') return typeof v === 'boolean' ? null : { message: `attribute ${a.name} is true or false, not ${JSON.stringify(v)}`, hint: `write ${a.name}: true` };
  if (v === null) return null;
  if (a.type === 'number') return typeof v === 'number' ? null : { message: `attribute ${a.name} is a number, not ${JSON.stringify(v)}`, hint: `write a number` };
  if (typeof v !== 'string') return { message: `attribute ${a.name} is text, not ${JSON.stringify(v)}`, hint: 'quote it' };
  if (a.values && !a.values.includes(v)) return { message: `${a.name} "${v}" is not one of its declared values`, hint: didYouMean(v, a.values, `declared values: ${a.values.join(', ')}`) };
  return null;
}

