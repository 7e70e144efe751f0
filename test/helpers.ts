/** Shared test helpers: load a rule folder, compile it, and import the bundle. */
import { compileBundle, loadRules, type LoadResult } from '../compiler/compile.ts';
import { formatDiagnostic } from '../compiler/diagnostics.ts';
import { loadBundle } from '../compiler/examples.ts';
import type { LineResult } from '../compiler/interpret.ts';

export const DHCS = 'rules/dhcs-ecm-cs';
export const MINI = 'test/fixtures/mini/mini-guidance';

/** Load rules that must compile; a failure shows the diagnostics. */
export function mustLoad(dir: string, version?: string): LoadResult {
  const loaded = loadRules(dir, version);
  if (loaded.versions.length === 0) throw new Error(`rules did not load:\n${loaded.diagnostics.map(formatDiagnostic).join('\n')}`);
  return loaded;
}

export interface BundleModule {
  meta: { guidance: string; title: string; versions: string[]; sourceHash: string };
  validate(lines: readonly unknown[], options?: unknown): LineResult[];
  validateLine(line: unknown, options?: unknown): LineResult;
  createValidator(options?: unknown): { add(line: unknown): void; finish(): LineResult[] };
  classify(code: string, modifiers?: readonly string[], serviceDate?: string): Record<string, unknown> | null;
}

const cache = new Map<string, Promise<BundleModule>>();

/** The compiled bundle of a rule folder, imported as a module (cached per folder). */
export function bundleOf(dir: string): Promise<BundleModule> {
  let p = cache.get(dir);
  if (!p) {
    p = loadBundle(compileBundle(mustLoad(dir)).js) as unknown as Promise<BundleModule>;
    cache.set(dir, p);
  }
  return p;
}

/** A complete valid line with the given overrides. */
export function line(over: Record<string, unknown>): Record<string, unknown> {
  return { claimId: 'C1', lineNumber: 1, memberId: 'M1', serviceDate: '2024-04-01', units: 1, ...over };
}

/** Run the command line in this process: exit code, standard output and standard error as text. */
export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const { main } = await import('../compiler/cli.ts');
  let out = '';
  let err = '';
  const code = await main(argv, { write: (s) => { out += s; return true; } }, { write: (s) => { err += s; return true; } });
  return { code, out, err };
}
