/**
 * The compiler driver: rule folder → checked rule sets → bundle. Each phase
 * returns diagnostics; the driver stops after the first phase with errors,
 * so one mistake is reported once, not as a cascade.
 */
import { createHash } from 'node:crypto';
import { basename, dirname, relative, resolve } from 'node:path';
import { checkBanding } from './checks/banding.ts';
import { checkCatalogue, checkSetPatterns } from './checks/catalogue.ts';
import { checkReachability } from './checks/reachability.ts';
import { checkCitations, checkExampleReferences, checkRules } from './checks/rules.ts';
import { didYouMean, hasErrors, mergeRepeats, sortDiagnostics, type Diagnostic } from './diagnostics.ts';
import { emitBundle, type Bundle } from './emit/bundle.ts';
import { describeKind, entryKind, findVersions, isRuleFileName, listFolder } from './files.ts';
import { compareVersions, gather, listVersions, readVersion, type LoadedRuleSet } from './load.ts';
import { checkStructure } from './schema.ts';
import { RECORD_FIELDS, recordField } from './fields.ts';
import type { CheckedExpr, Rule, RuleSet } from './model.ts';
import { exclusiveCondition, makeScope, resolveExpr, resolveTemplate } from './resolve.ts';
import { patternKey } from './codes.ts';
import { aggregatesOf } from './plan/fold.ts';
import { planEdition } from './plan/plan.ts';
import { diagnosticAt, fileDiagnostic, type SourceFile } from './source.ts';
import { checkChoices } from './profile/choices.ts';
import type { ProfileObject } from './profile/profile.ts';

export interface LoadResult {
  /** Checked rule sets, oldest first; empty when there were errors. */
  versions: RuleSet[];
  diagnostics: Diagnostic[];
  /** sha-256 over every version's rule files. */
  sourceHash: string;
}

/**
 * Load and check a rule folder: a guidance folder (`rules/dhcs-ecm-cs`, all
 * versions, or the one named by `version`) or one version folder (`rules/dhcs-ecm-cs/1.2`).
 */
export function loadRules(dir: string, version?: string): LoadResult {
  const full = resolve(dir);
  const shown = relative(process.cwd(), full) || '.';
  const fail = (d: Diagnostic): LoadResult => ({ versions: [], diagnostics: [d], sourceHash: '' });
  const kind = entryKind(full);
  if (kind.kind !== 'folder') {
    const what = kind.kind === 'unreadable' && kind.detail === 'it does not exist' ? 'no such folder' : `not a folder: ${describeKind(kind.kind, kind.detail)}`;
    return fail(fileDiagnostic(shown, 'read-error', what, 'give the path of a rule folder, e.g. rules/dhcs-ecm-cs'));
  }
  const listing = listFolder(full);
  if (listing.error !== null) return fail(fileDiagnostic(shown, 'read-error', `cannot read the folder: ${listing.error}`, 'give the path of a rule folder'));
  const isVersionDir = listing.entries.some((e) => isRuleFileName(e.name));
  const skipped: Diagnostic[] = [];
  let guidanceDir = full;
  let versionNames: string[];
  if (isVersionDir) {
    guidanceDir = dirname(full);
    versionNames = [basename(full)];
    if (version !== undefined && version !== basename(full)) {
      return fail(fileDiagnostic(shown, 'unknown-version', `this folder holds version ${basename(full)}, not ${version}`, `give the guidance folder ${relative(process.cwd(), guidanceDir)}`));
    }
  } else {
    const found = findVersions(full);
    skipped.push(...found.diagnostics);
    versionNames = found.versions.sort(compareVersions);
    if (versionNames.length === 0) {
      const why = skipped.length > 0 ? `; skipped: ${skipped.map((d) => d.file).join(', ')}` : '';
      const none = fileDiagnostic(shown, 'no-rules', `no version folders with rule files here${why}`, 'rule files live in rules/<guidance>/<version>/*.yaml');
      return { versions: [], diagnostics: sortDiagnostics([none, ...skipped]), sourceHash: '' };
    }
    if (version !== undefined) {
      if (!versionNames.includes(version)) {
        return fail(fileDiagnostic(shown, 'unknown-version', `no version ${version} here`, didYouMean(version, versionNames, `versions: ${versionNames.join(', ')}`)));
      }
      versionNames = [version];
    }
  }
  const guidanceId = basename(guidanceDir);
  // Every edition of the guidance may be needed: an edition is read over the one it extends.
  const editions = new EditionReader(guidanceDir, guidanceId, [...new Set([...listVersions(guidanceDir), ...versionNames])]);
  const versions: RuleSet[] = [];
  const hash = createHash('sha256');
  for (const v of versionNames) {
    const rules = editions.checked(v);
    if (rules) {
      versions.push(rules);
      hash.update(`${v}\0${rules.sourceHash}\0`);
    }
  }
  const diagnostics = [...skipped, ...editions.diagnostics()];
  const failed = hasErrors(diagnostics) || versions.length < versionNames.length;
  return { versions: failed ? [] : versions, diagnostics: sortDiagnostics(diagnostics), sourceHash: failed ? '' : hash.digest('hex') };
}

/**
 * Reads editions once each, in the order extension needs (an edition after the one it extends), and keeps
 * every edition's diagnostics once, however many editions extend it.
 */
class EditionReader {
  private readonly gathered = new Map<string, { loaded: LoadedRuleSet | null; diagnostics: Diagnostic[] }>();
  private readonly done = new Map<string, { rules: RuleSet | null; diagnostics: Diagnostic[] }>();
  private readonly reading: string[] = [];

  constructor(private readonly guidanceDir: string, private readonly guidanceId: string, private readonly names: readonly string[]) {}

  /** An edition's declarations gathered over its base's; null when it (or a base) has errors. */
  gather(version: string): LoadedRuleSet | null {
    const known = this.gathered.get(version);
    if (known) return known.loaded;
    this.reading.push(version);
    const result = this.read(version);
    this.reading.pop();
    this.gathered.set(version, result);
    return hasErrors(result.diagnostics) ? null : result.loaded;
  }

  private read(version: string): { loaded: LoadedRuleSet | null; diagnostics: Diagnostic[] } {
    const dir = resolve(this.guidanceDir, version);
    const read = readVersion(dir);
    const gFile = read.files.find((f) => isObj(f.data) && isObj(f.data.guidance));
    const baseName = gFile ? (gFile.data as { guidance: { extends?: unknown } }).guidance.extends : undefined;
    // readVersion leaves the structure of an extending edition's files to be checked below, with the base's attributes.
    const kept = read.diagnostics;
    if (hasErrors(kept)) return { loaded: null, diagnostics: kept };
    if (baseName === undefined || gFile === undefined) return gather(read.files, dir, this.guidanceId, version);
    const base = String(baseName);
    const at = { file: gFile, path: ['guidance', 'extends'] };
    if (!this.names.includes(base) || base === version) {
      const others = this.names.filter((n) => n !== version);
      return { loaded: null, diagnostics: [diagnosticAt(at, 'unknown-base', base === version ? `edition ${version} extends itself` : `there is no edition "${base}" of ${this.guidanceId} to extend`,
        didYouMean(base, others, others.length ? `editions here: ${others.join(', ')}` : 'the edition it extends must be a folder beside this one'))] };
    }
    if (this.reading.includes(base)) {
      const loop = [...this.reading.slice(this.reading.indexOf(base)), base].join(' → ');
      return { loaded: null, diagnostics: [diagnosticAt(at, 'extends-cycle', `editions extend each other in a circle: ${loop}`,
        'an edition extends an older one; the oldest edition extends none')] };
    }
    const baseLoaded = this.gather(base);
    if (!baseLoaded) return { loaded: null, diagnostics: [] }; // the base's own errors are reported for it
    // The base's declared attributes may be given by this edition's entries: check their structure with them.
    const attributes = [...new Set([...baseLoaded.declarations.named.attributes.keys(), ...ownAttributes(read.files)])].sort();
    const structure = read.files.flatMap((f) => checkStructure(f, attributes));
    if (hasErrors([...kept, ...structure])) return { loaded: null, diagnostics: [...kept, ...structure] };
    return gather(read.files, dir, this.guidanceId, version, { declarations: baseLoaded.declarations, sourceHash: baseLoaded.rules.sourceHash });
  }

  /** An edition checked through every phase; null when it has errors. */
  checked(version: string): RuleSet | null {
    let known = this.done.get(version);
    if (!known) {
      const loaded = this.gather(version);
      known = loaded ? checkVersion(loaded, this.gathered.get(version)!.diagnostics) : { rules: null, diagnostics: [] };
      this.done.set(version, known);
    }
    return known.rules;
  }

  /** The diagnostics of every edition read, each once (an item inherited by several editions is reported once). */
  diagnostics(): Diagnostic[] {
    const all = [...[...this.gathered.values()].flatMap((g) => g.diagnostics), ...[...this.done.values()].flatMap((d) => d.diagnostics)];
    const seen = new Set<string>();
    return all.filter((d) => {
      const key = `${d.file}\0${d.line}\0${d.col}\0${d.code}\0${d.severity}\0${d.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The attribute names an edition's own files declare. */
function ownAttributes(files: readonly SourceFile[]): string[] {
  return files.flatMap((f) => (isObj(f.data) && isObj(f.data.attributes) ? Object.keys(f.data.attributes) : []));
}

/** Every phase after gathering, for one edition (`gathered`: what gathering reported, warnings only). */
function checkVersion(loaded: LoadedRuleSet, gathered: Diagnostic[]): { rules: RuleSet | null; diagnostics: Diagnostic[] } {
  const diagnostics = gathered;
  const pre = loaded.rules;

  // Declarations the expressions depend on come first: an unknown modifier in the catalogue should not also
  // surface as an unknown code pattern in every rule that names it.
  // Code patterns in sets and exclusivity declarations are checked against a catalogue without errors.
  const catalogue = checkCatalogue(pre);
  const declared = [
    ...catalogue,
    ...(hasErrors(catalogue) ? [] : checkSetPatterns(pre)),
    ...[...pre.bandings.values()].flatMap(checkBanding),
    ...checkRules(pre),
    ...checkCitations(pre),
    ...checkExampleReferences(pre),
    ...(hasErrors(catalogue) ? [] : checkChoices(pre)),
    ...[...pre.groups.values()].flatMap((g) => g.key.filter((k) => !recordField(k)).map((k) =>
      diagnosticAt({ ...g.place, path: [...g.place.path, 'key', g.key.indexOf(k)] }, 'unknown-name', `"${k}" is not a field of the input record`,
        didYouMean(k, RECORD_FIELDS.map((f) => f.name), 'group keys are record fields such as memberId')))),
  ];
  if (hasErrors(declared)) return { rules: null, diagnostics: declared };

  const scope = makeScope(pre);
  const out: Diagnostic[] = [];
  const unitBases: RuleSet['unitBases'] = new Map();
  for (const [n, u] of pre.unitBases) {
    const r = u.billableUnits ? resolveExpr(scope, u.billableUnits, 'number', 'units') : { expr: null, diagnostics: [] };
    out.push(...r.diagnostics);
    unitBases.set(n, { ...u, billableUnits: r.expr });
  }
  const rules: Rule[] = pre.rules.map((rule) => {
    let when: CheckedExpr | null = null;
    if (rule.when) {
      const r = resolveExpr(scope, rule.when, 'bool', 'rule');
      out.push(...r.diagnostics);
      when = r.expr;
    } else if (rule.exclusive && rule.over) {
      when = { ir: exclusiveCondition(rule.exclusive.combinations.map(patternKey), rule.over), place: rule.exclusive.place };
    }
    // A message may show other.<field> when the condition has exactly one any(): the line it found.
    const anys = when ? aggregatesOf(when.ir).filter((a) => a.k === 'any').length : 0;
    const t = resolveTemplate(scope, rule.message, rule.place, anys === 1);
    out.push(...t.diagnostics);
    return { ...rule, when, message: t.template ?? [] };
  });
  if (hasErrors(out)) return { rules: null, diagnostics: mergeRepeats(out) };
  const checked: RuleSet = { ...pre, unitBases, rules };
  return { rules: checked, diagnostics: [...diagnostics, ...out, ...checkReachability(planEdition(checked))] };
}

/** Compile checked rule sets to a bundle (with a checked plan profile compiled in, when given). */
export function compileBundle(loaded: LoadResult, profile: ProfileObject | null = null): Bundle {
  return emitBundle(loaded.versions, loaded.sourceHash, profile);
}
