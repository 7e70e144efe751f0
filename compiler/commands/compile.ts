/** `codeguide compile` and `codeguide check` / `codeguide test`: rule files → bundle, and the examples. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { compileBundle, loadRules, type LoadResult } from '../compile.ts';
import { runExamples, type ExampleReport } from '../examples.ts';
import { args, load, loadPlanProfile, oneDir, report, UsageError, type Out } from './shared.ts';
import { choiceCatalog, type ProfileObject } from '../profile/profile.ts';

/** A plan profile file checked against the loaded rule sets' choices; undefined (reported) when it has errors. */
export async function profileFor(loaded: LoadResult, path: string, err: Out): Promise<ProfileObject | undefined> {
  const catalog = choiceCatalog(loaded.versions[0]!.guidance.id, loaded.versions);
  return (await loadPlanProfile(path, catalog.guidance, catalog.choices, err)) ?? undefined;
}

async function examples(loaded: LoadResult, err: Out, coverage: boolean): Promise<ExampleReport[]> {
  const reports: ExampleReport[] = [];
  for (const rs of loaded.versions) {
    const r = await runExamples(rs);
    reports.push(r);
    report(r.failed, err);
    err.write(`${rs.guidance.id} ${r.version}: ${r.total - r.failedExamples} of ${r.total} examples as expected\n`);
    if (coverage) {
      err.write(r.rulesNotExercised.length ? `  rules no example exercises: ${r.rulesNotExercised.join(', ')}\n` : '  every rule is exercised by an example\n');
      err.write(r.entriesNotExercised.length ? `  catalogue entries no example uses: ${r.entriesNotExercised.join(', ')}\n` : '  every catalogue entry is used by an example\n');
    }
  }
  return reports;
}

export async function compileCommand(rest: string[], err: Out): Promise<number> {
  const { values, positionals } = args(rest, { out: { type: 'string' }, version: { type: 'string' }, profile: { type: 'string' } });
  const dir = oneDir(positionals);
  if (typeof values.out !== 'string') throw new UsageError('compile needs --out FILE.mjs');
  const loaded = await load(dir, values.version as string | undefined, err);
  if (!loaded) return 2;
  const profile = typeof values.profile === 'string' ? await profileFor(loaded, values.profile, err) : null;
  if (profile === undefined) return 2;
  const reports = await examples(loaded, err, false);
  if (reports.some((r) => r.failed.length > 0)) {
    err.write('codeguide: not written: an example in the rule files did not come out as expected\n');
    return 1;
  }
  const bundle = compileBundle(loaded, profile);
  const target = resolve(values.out);
  const base = target.replace(/\.(mjs|js)$/, '');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, bundle.js);
  writeFileSync(`${base}.d.ts`, bundle.dts);
  writeFileSync(`${base}.d.mts`, bundle.dts);
  writeFileSync(`${base}.manifest.json`, `${JSON.stringify(bundle.manifest, null, 2)}\n`);
  err.write(`wrote ${values.out} (${bundle.js.length} bytes; versions ${loaded.versions.map((v) => v.guidance.version).join(', ')})\n`);
  return 0;
}

export async function checkCommand(rest: string[], out: Out, err: Out, coverage: boolean): Promise<number> {
  const { values, positionals } = args(rest, { version: { type: 'string' }, json: { type: 'boolean' } });
  if (values.json) {
    // For editors and CI: every diagnostic and the example reports as one JSON document on stdout.
    const silent: Out = { write: () => true };
    const loaded = loadRules(oneDir(positionals), values.version as string | undefined);
    const reports = loaded.versions.length ? await examples(loaded, silent, false) : [];
    const diagnostics = [...loaded.diagnostics, ...reports.flatMap((r) => r.failed)];
    const strip = ({ failed: _f, ...r }: ExampleReport) => r;
    out.write(`${JSON.stringify({ diagnostics, examples: reports.map(strip) }, null, 2)}\n`);
    return loaded.versions.length === 0 ? 2 : reports.some((r) => r.failed.length > 0) ? 1 : 0;
  }
  const loaded = await load(oneDir(positionals), values.version as string | undefined, err);
  if (!loaded) return 2;
  const reports = await examples(loaded, err, coverage);
  return reports.some((r) => r.failed.length > 0) ? 1 : 0;
}
