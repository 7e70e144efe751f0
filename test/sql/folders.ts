/**
 * The rule folders the SQL tests run: every guidance folder under rules/ and
 * test/fixtures/ that compiles without errors, discovered, not listed.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadRules, type LoadResult } from '../../compiler/compile.ts';

/** Does a folder hold editions (sub-folders with rule files)? */
function isGuidance(dir: string): boolean {
  return readdirSync(dir).some((e) => {
    const sub = join(dir, e);
    return statSync(sub).isDirectory() && existsSync(join(sub, 'guidance.yaml'));
  });
}

/** Guidance folders under `roots` (and one level below them) that load without errors. */
export function compilingRuleFolders(roots: readonly string[] = ['rules', 'test/fixtures']): { dir: string; loaded: LoadResult }[] {
  const out: { dir: string; loaded: LoadResult }[] = [];
  const seen = new Set<string>();
  for (const root of roots) {
    const candidates = readdirSync(root).map((e) => join(root, e)).filter((p) => statSync(p).isDirectory() && !p.split('/').pop()!.startsWith('.'));
    for (const c of candidates) {
      for (const dir of [c, ...readdirSync(c).map((e) => join(c, e)).filter((p) => statSync(p).isDirectory())]) {
        if (seen.has(dir) || !isGuidance(dir)) continue;
        seen.add(dir);
        const loaded = loadRules(dir);
        if (loaded.versions.length > 0 && !loaded.diagnostics.some((d) => d.severity === 'error')) out.push({ dir, loaded });
      }
    }
  }
  return out;
}
