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
import { compareVersions, gather, readVersion } from './load.ts';
import { RECORD_FIELDS, recordField } from './fields.ts';
import type { CheckedExpr, Rule, RuleSet } from './model.ts';
import { exclusiveCondition, makeScope, resolveExpr, resolveTemplate } from './resolve.ts';
import { patternKey } from './codes.ts';
import { aggregatesOf } from './plan/fold.ts';
import { planEdition } from './plan/plan.ts';
import { diagnosticAt, fileDiagnostic } from './source.ts';
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
  const versions: RuleSet[] = [];
  const diagnostics: Diagnostic[] = [...skipped];
  const hash = createHash('sha256');
  for (const v of versionNames) {
    const result = checkVersion(resolve(guidanceDir, v), guidanceId, v);
    diagnostics.push(...result.diagnostics);
    if (result.rules) {
      versions.push(result.rules);
      hash.update(`${v}\0${result.rules.sourceHash}\0`);
    }
  }
  const failed = hasErrors(diagnostics);
  return { versions: failed ? [] : versions, diagnostics: sortDiagnostics(diagnostics), sourceHash: failed ? '' : hash.digest('hex') };
}

/** Every phase for one version folder. */
function checkVersion(versionDir: string, guidanceId: string, version: string): { rules: RuleSet | null; diagnostics: Diagnostic[] } {
  const read = readVersion(versionDir);
  if (hasErrors(read.diagnostics)) return { rules: null, diagnostics: read.diagnostics };
  const { loaded, diagnostics } = gather(read.files, versionDir, guidanceId, version);
  if (!loaded || hasErrors(diagnostics)) return { rules: null, diagnostics };
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
