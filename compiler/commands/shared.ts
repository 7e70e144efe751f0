/**
 * What every command shares: argument parsing, the usage text, printing
 * diagnostics, loading rules.
 */
import { parseArgs } from 'node:util';
import type { LoadResult } from '../compile.ts';
import { formatDiagnostic, type Diagnostic } from '../diagnostics.ts';
import type { ChoiceCatalog, ProfileObject } from '../profile/profile.ts';

export const USAGE = `usage:
  codeguide compile <rule-dir> [--version V] [--profile FILE] --out FILE.mjs
  codeguide check <rule-dir> [--version V] [--json]
  codeguide test <rule-dir> [--version V] [--json]
  codeguide validate (--rules <rule-dir> [--version V] | --bundle FILE.mjs) [--profile FILE] [--format jsonl|csv] [--out FILE] <input-file | ->

<rule-dir> is a guidance folder (rules/dhcs-ecm-cs: every version) or one version folder (rules/dhcs-ecm-cs/1.2).`;

/** A mistake in how the command was called: printed with the usage, exit 2. */
export class UsageError extends Error {}

/** Where a command writes: process.stdout/stderr, or a test's collector. */
export type Out = { write(s: string): boolean | void };

export function args(rest: string[], options: Record<string, { type: 'string' | 'boolean' }>) {
  const parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
}

export function oneDir(positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name a rule folder' : `expected one rule folder, got ${positionals.length} arguments`);
  return positionals[0]!;
}

export function report(diagnostics: Diagnostic[], err: Out): void {
  for (const d of diagnostics) err.write(`${formatDiagnostic(d)}\n`);
}

/**
 * Load and check a plan profile file against the choices of a guidance (its rule sets, or a bundle's meta);
 * null (diagnostics printed) when it has errors.
 */
export async function loadPlanProfile(path: string, guidance: string, choices: ChoiceCatalog['choices'], err: Out): Promise<ProfileObject | null> {
  const { loadProfile } = await import('../profile/profile.ts');
  const loaded = loadProfile(path, { guidance, choices });
  report(loaded.diagnostics, err);
  return loaded.profile;
}

/** Load and check rule files (the compiler is loaded only here, when a command needs it). */
export async function load(dir: string, version: string | undefined, err: Out): Promise<LoadResult | null> {
  const { loadRules } = await import('../compile.ts');
  const loaded = loadRules(dir, version);
  report(loaded.diagnostics, err);
  return loaded.versions.length === 0 ? null : loaded;
}
