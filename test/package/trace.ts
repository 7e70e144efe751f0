/**
 * Which modules a command loads: a module hook (node --import) that appends
 * every module URL a run resolves to a log file, and at exit every CommonJS
 * module in require's cache (require() calls do not pass the hook). Used to
 * hold each command to loading only what it needs.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const HOOKS = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.CODEGUIDE_TRACE, result.url + '\\n');
  return result;
}`;

/** Write the hook's entry file into `dir`; returns its file URL for `node --import`. */
export function writeTracer(dir: string): string {
  const file = join(dir, 'trace-modules.mjs');
  writeFileSync(file, [
    "import { appendFileSync } from 'node:fs';",
    "import { createRequire, register } from 'node:module';",
    "import { pathToFileURL } from 'node:url';",
    `register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`,
    'const cache = createRequire(import.meta.url).cache;',
    "process.on('exit', () => appendFileSync(process.env.CODEGUIDE_TRACE, Object.keys(cache).map((f) => pathToFileURL(f).href + '\\n').join('')));",
    '',
  ].join('\n'));
  return pathToFileURL(file).href;
}

let runs = 0;

/** Run `node [...nodeArgs]` with the tracer; the exit status, output and every module URL it resolved. */
export function traceModules(tracer: string, dir: string, nodeArgs: string[], cwd?: string): { status: number | null; stderr: string; modules: string[] } {
  const log = join(dir, `trace-${process.pid}-${++runs}.log`);
  writeFileSync(log, '');
  const preload = nodeArgs[0] === '--import' ? nodeArgs.slice(0, 2) : [];
  const rest = nodeArgs.slice(preload.length);
  const r = spawnSync(process.execPath, [...preload, '--import', tracer, ...rest], {
    cwd, encoding: 'utf8', env: { ...process.env, CODEGUIDE_TRACE: log },
  });
  return { status: r.status, stderr: r.stderr, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

/** Modules a command that only runs a bundle must never load. */
export const COMPILER_MODULES: readonly RegExp[] = [
  /\/compiler\/compile\.(ts|js)$/, /\/compiler\/schema\.(ts|js)$/, /\/compiler\/emit\//, /\/grammar\//, /\/vendor\/chevrotain/,
  /\/node_modules\/(ajv|yaml|chevrotain|@chevrotain)\//,
];
