/**
 * Codeguide as a library: `import { compile, check, loadBundle, formatDiagnostic } from 'codeguide'`.
 * These are the functions the command line runs. The compiler is loaded only
 * when `compile` or `check` is first called, so `loadBundle` alone starts fast.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LoadResult } from './compile.ts';
import { formatDiagnostic, hasErrors, type Diagnostic } from './diagnostics.ts';
import type { Manifest } from './emit/bundle.ts';
import type { ExampleReport } from './examples.ts';
import type { classify, createValidator, meta, validate, validateLine } from '../runtime/bundle.d.ts';

export { formatDiagnostic };
export type { Diagnostic, Manifest };
export type { CatalogueEntry, Finding, LineResult, ServiceLine, ValidateOptions } from '../runtime/bundle.d.ts';

/** Options of {@link compile} and {@link check}. */
export interface CompileOptions {
  /** Only this edition of a guidance folder (default: every edition in it). */
  version?: string;
  /** {@link compile} only: a plan profile file to compile in (checked against the choices the rules declare). */
  profile?: string;
}

/** How one edition's examples came out. */
export interface ExampleSummary {
  guidance: string;
  /** The edition. */
  version: string;
  /** Examples in the rule files. */
  total: number;
  /** Examples with a line that did not come out as its `expect` says (each is an `example-failed` diagnostic). */
  failedExamples: number;
  /** Rule ids no example produced a finding of. */
  rulesNotExercised: string[];
  /** Catalogue combinations no example line classified to. */
  entriesNotExercised: string[];
}

/** What {@link check} finds. */
export interface CheckResult {
  /** The editions that compiled, oldest first; empty when the rule files have errors. */
  versions: string[];
  /** Every diagnostic: the rule files' errors and warnings, then examples that failed (`example-failed`). */
  diagnostics: Diagnostic[];
  /** Per edition that compiled, how its examples came out. */
  examples: ExampleSummary[];
  /** No error diagnostic: the rules compile and every example comes out as expected. */
  ok: boolean;
}

/** What {@link compile} makes: the bundle and its companions, or `null`s and the diagnostics saying why not. */
export interface CompileResult extends CheckResult {
  /** The bundle: an ES module that imports nothing. `null` unless `ok`. */
  bundle: string | null;
  /** Its TypeScript declarations (for `X.d.ts` / `X.d.mts` beside `X.mjs`). */
  dts: string | null;
  /** What it was compiled from (for `X.manifest.json`). */
  manifest: Manifest | null;
  /** The plan profile file had errors (among the diagnostics): nothing was compiled. */
  profileRejected?: boolean;
}

/** A compiled bundle, imported: the exports every bundle has. */
export interface CompiledBundle {
  meta: typeof meta;
  validate: typeof validate;
  validateLine: typeof validateLine;
  createValidator: typeof createValidator;
  classify: typeof classify;
}

/** Load the rules and run every edition's examples against its own bundle. */
async function checked(ruleDir: string, options: CompileOptions): Promise<{ loaded: LoadResult; result: CheckResult }> {
  const [{ loadRules }, { runExamples }] = await Promise.all([import('./compile.ts'), import('./examples.ts')]);
  const loaded = loadRules(ruleDir, options.version);
  const reports: ExampleReport[] = [];
  for (const rs of loaded.versions) reports.push(await runExamples(rs));
  const diagnostics = [...loaded.diagnostics, ...reports.flatMap((r) => r.failed)];
  const guidance = loaded.versions[0]?.guidance.id ?? '';
  const result: CheckResult = {
    versions: loaded.versions.map((rs) => rs.guidance.version),
    diagnostics,
    examples: reports.map(({ failed: _failed, ...r }) => ({ guidance, ...r })),
    ok: loaded.versions.length > 0 && !hasErrors(diagnostics),
  };
  return { loaded, result };
}

/**
 * Check a rule folder — a guidance folder (every edition) or one edition's
 * folder — without writing anything: the rule files, then their examples.
 * Never throws on bad rule files: every problem is a diagnostic.
 */
export async function check(ruleDir: string, options: CompileOptions = {}): Promise<CheckResult> {
  return (await checked(ruleDir, options)).result;
}

/**
 * Compile a rule folder into one standalone bundle (all its editions, or
 * `options.version`). The examples run first: the bundle is made only when
 * the rules compile and every example comes out as expected (`ok`).
 */
export async function compile(ruleDir: string, options: CompileOptions = {}): Promise<CompileResult> {
  const { loaded, result } = await checked(ruleDir, options);
  if (!result.ok) return { ...result, bundle: null, dts: null, manifest: null };
  const { compileBundle } = await import('./compile.ts');
  let profile = null;
  if (options.profile !== undefined) {
    const { choiceCatalog, loadProfile } = await import('./profile/profile.ts');
    const checkedProfile = loadProfile(options.profile, choiceCatalog(loaded.versions[0]!.guidance.id, loaded.versions));
    if (checkedProfile.profile === null) {
      return { ...result, diagnostics: [...result.diagnostics, ...checkedProfile.diagnostics], ok: false, bundle: null, dts: null, manifest: null, profileRejected: true };
    }
    profile = checkedProfile.profile;
  }
  const made = compileBundle(loaded, profile);
  return { ...result, bundle: made.js, dts: made.dts, manifest: made.manifest };
}

/**
 * Import a compiled bundle from a file (a path, relative to the working
 * directory, or a `file:` URL). Throws an Error with a plain message when the
 * file is missing or is not a codeguide bundle.
 */
export async function loadBundle(path: string | URL): Promise<CompiledBundle> {
  const file = path instanceof URL || path.startsWith('file:') ? fileURLToPath(path) : resolve(path);
  const shown = String(path);
  if (!existsSync(file)) throw new Error(`cannot load bundle ${shown}: no such file`);
  if (!statSync(file).isFile()) throw new Error(`cannot load bundle ${shown}: not a file`);
  let module: Partial<CompiledBundle>;
  try {
    module = (await import(pathToFileURL(file).href)) as Partial<CompiledBundle>;
  } catch (e) {
    throw new Error(`cannot load bundle ${shown}: ${(e as Error).message.split('\n')[0]}`);
  }
  const missing = (['meta', 'validate', 'validateLine', 'createValidator', 'classify'] as const).filter((k) => module[k] === undefined);
  if (missing.length) throw new Error(`${shown} is not a codeguide bundle (no ${missing.join(', ')} export)`);
  return module as CompiledBundle;
}
