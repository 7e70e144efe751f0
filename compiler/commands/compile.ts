/** `codeguide compile`, `codeguide check` and `codeguide test`: rule files → bundle, and the examples. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { check, compile, type CheckResult } from '../api.ts';
import { args, oneDir, report, UsageError, type CommandSpec, type Out } from './shared.ts';

const VERSION = { type: 'string', value: 'V', description: 'only this edition of the guidance folder (default: every edition)' } as const;

export const compileSpec: CommandSpec = {
  name: 'compile',
  usage: 'codeguide compile <rule-dir> [--version V] [--profile FILE] (--out FILE.mjs | --target sql --dialect duckdb|postgres|spark [--as-of DATE] --out FILE.sql)',
  description: '<rule-dir> is a guidance folder (every edition) or one edition\'s folder. The examples in the rule files run first; nothing is written unless every one comes out as expected. Beside FILE.mjs go FILE.d.ts, FILE.d.mts and FILE.manifest.json. With --target sql, one SQL script instead: reference tables, codeguide_settings (as_of) and the view codeguide_results over a table encounter_lines (README, "Running inside a warehouse").',
  options: {
    out: { type: 'string', value: 'FILE.mjs', description: 'where to write the bundle (or, with --target sql, the SQL script FILE.sql)' },
    version: VERSION,
    profile: { type: 'string', value: 'FILE', description: 'a plan profile (YAML) to compile in: its selections among the choices the rules declare' },
    target: { type: 'string', value: 'js|sql', description: 'a JavaScript bundle (default) or a SQL script' },
    dialect: { type: 'string', value: 'duckdb|postgres|spark', description: 'with --target sql: the SQL dialect' },
    'as-of': { type: 'string', value: 'YYYY-MM-DD', description: 'with --target sql: the script\'s default as_of (judge by the newest edition published on or before it; default: the newest)' },
  },
  examples: [
    'codeguide compile rules/dhcs-ecm-cs --out dist/dhcs-ecm-cs.mjs',
    'codeguide compile rules/dhcs-ecm-cs --version 1.2 --out dist/dhcs-1.2.mjs',
    'codeguide compile rules/dhcs-ecm-cs --target sql --dialect postgres --out dist/dhcs-ecm-cs.postgres.sql',
  ],
};

export const checkSpec: CommandSpec = {
  name: 'check',
  usage: 'codeguide check <rule-dir> [--version V] [--json]',
  description: 'Errors print as path:line:col: error CODE message, with a hint. Exit 0: the rules compile and every example comes out as expected; 1: an example did not; 2: the rule files have errors.',
  options: {
    version: VERSION,
    json: { type: 'boolean', description: 'print the diagnostics and example reports as one JSON document (for editors and CI)' },
  },
  examples: ['codeguide check rules/dhcs-ecm-cs'],
};

export const testSpec: CommandSpec = {
  name: 'test',
  usage: 'codeguide test <rule-dir> [--version V] [--json]',
  options: checkSpec.options,
  examples: ['codeguide test rules/dhcs-ecm-cs/1.2'],
};

/** The per-edition lines: examples as expected, and (for `test`) what no example exercises. */
function summarise(result: CheckResult, err: Out, coverage: boolean): void {
  for (const r of result.examples) {
    err.write(`${r.guidance} ${r.version}: ${r.total - r.failedExamples} of ${r.total} examples as expected\n`);
    if (coverage) {
      err.write(r.rulesNotExercised.length ? `  rules no example exercises: ${r.rulesNotExercised.join(', ')}\n` : '  every rule is exercised by an example\n');
      err.write(r.entriesNotExercised.length ? `  catalogue entries no example uses: ${r.entriesNotExercised.join(', ')}\n` : '  every catalogue entry is used by an example\n');
    }
  }
}

/** 2 when the rules do not compile, 1 when an example failed, else 0. */
function exitCode(result: CheckResult): number {
  return result.versions.length === 0 ? 2 : result.ok ? 0 : 1;
}

export async function compileCommand(rest: string[], err: Out): Promise<number> {
  const { values, positionals } = args(rest, compileSpec.options);
  const dir = oneDir(positionals);
  const kind = values.target ?? 'js';
  if (kind !== 'js' && kind !== 'sql') throw new UsageError(`unknown --target "${String(kind)}" (js or sql)`);
  if (kind === 'sql') {
    const { compileSqlCommand } = await import('./compile-sql.ts');
    return compileSqlCommand(dir, values, err, (r) => { summarise(r, err, false); return exitCode(r); });
  }
  for (const option of ['dialect', 'as-of'] as const) if (values[option] !== undefined) throw new UsageError(`--${option} goes with --target sql`);
  if (typeof values.out !== 'string') throw new UsageError('compile needs --out FILE.mjs');
  const result = await compile(dir, { version: values.version as string | undefined, profile: values.profile as string | undefined });
  report(result.diagnostics, err);
  summarise(result, err, false);
  if (result.profileRejected) return 2;
  if (result.bundle === null || result.dts === null || result.manifest === null) {
    if (result.versions.length > 0) err.write('codeguide: not written: an example in the rule files did not come out as expected\n');
    return exitCode(result);
  }
  const target = resolve(values.out);
  const base = target.replace(/\.(mjs|js)$/, '');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, result.bundle);
  writeFileSync(`${base}.d.ts`, result.dts);
  writeFileSync(`${base}.d.mts`, result.dts);
  writeFileSync(`${base}.manifest.json`, `${JSON.stringify(result.manifest, null, 2)}\n`);
  err.write(`wrote ${values.out} (${result.bundle.length} bytes; versions ${result.versions.join(', ')})\n`);
  return 0;
}

export async function checkCommand(rest: string[], out: Out, err: Out, coverage: boolean): Promise<number> {
  const { values, positionals } = args(rest, checkSpec.options);
  const result = await check(oneDir(positionals), { version: values.version as string | undefined });
  if (values.json) {
    // For editors and CI: every diagnostic and the example reports as one JSON document on stdout.
    out.write(`${JSON.stringify({ diagnostics: result.diagnostics, examples: result.examples }, null, 2)}\n`);
  } else {
    report(result.diagnostics, err);
    summarise(result, err, coverage);
  }
  return exitCode(result);
}
