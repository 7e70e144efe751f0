/**
 * The package as users get it: the sources as a fresh clone has them are
 * packed with `npm pack` (which builds), the tarball is installed into an
 * empty folder with no network (its dependencies come from the npm cache
 * that installing this repository filled, pinned by a lockfile made from
 * this repository's), and there `npx codeguide` runs every command, a plain
 * `.mjs` file uses the API, and a TypeScript file type-checks against it.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DHCS, MINI } from '../helpers.ts';
import { COMPILER_MODULES, traceModules, writeTracer } from './trace.ts';

const repo = process.cwd();
const work = mkdtempSync(join(tmpdir(), 'codeguide-pack-'));
const src = join(work, 'src');
const app = join(work, 'app');
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; version: string; dependencies: Record<string, string>; bin: Record<string, string>; engines: Record<string, string> };
let packed: { filename: string; integrity: string; files: { path: string }[] };

afterAll(() => rmSync(work, { recursive: true, force: true }));

function sh(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false' } });
}

/** `npx codeguide …` in the installed app. */
function codeguide(...args: string[]): SpawnSyncReturns<string> {
  return sh('npx', ['--offline', '--no', '--', 'codeguide', ...args], app);
}

/** tsx's loader as a file URL, for `node --import` from a folder that has no tsx of its own. */
function tsxLoader(): string {
  const dir = join(repo, 'node_modules', 'tsx');
  const exported = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { exports: Record<string, string | { import?: string; default?: string }> }).exports['.'];
  const entry = typeof exported === 'string' ? exported : exported?.import ?? exported?.default;
  if (!entry) throw new Error('cannot find the entry of the tsx package');
  return pathToFileURL(join(dir, entry)).href;
}

/** A lockfile for the app: the tarball, and this repository's pinned versions of its dependencies (and theirs). */
function appLockfile(tarball: string): unknown {
  const locked = (JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> }).packages;
  const packages: Record<string, Record<string, unknown>> = {};
  const todo = Object.keys(pkg.dependencies);
  while (todo.length) {
    const name = todo.pop()!;
    const key = `node_modules/${name}`;
    if (packages[key]) continue;
    const entry = locked[key];
    if (!entry) throw new Error(`${name} is not in package-lock.json`);
    packages[key] = { resolved: `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${String(entry.version)}.tgz`, ...entry };
    todo.push(...Object.keys((entry.dependencies ?? {}) as Record<string, string>), ...Object.keys((entry.optionalDependencies ?? {}) as Record<string, string>));
  }
  return {
    name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true,
    packages: {
      '': { name: 'app', version: '1.0.0', dependencies: { [pkg.name]: `file:${tarball}` } },
      [`node_modules/${pkg.name}`]: { version: pkg.version, resolved: `file:${tarball}`, integrity: packed.integrity, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
      ...packages,
    },
  };
}

beforeAll(() => {
  // The repository as a fresh clone has it (tracked and new files, nothing ignored), with this checkout's node_modules.
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of listed) {
    if (!existsSync(file)) continue;
    mkdirSync(dirname(join(src, file)), { recursive: true });
    cpSync(file, join(src, file));
  }
  symlinkSync(join(repo, 'node_modules'), join(src, 'node_modules'), 'dir');
  const pack = sh('npm', ['pack', '--json', '--pack-destination', work], src);
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  [packed] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as (typeof packed)[];

  mkdirSync(app);
  const tarball = `../${packed.filename}`;
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module', dependencies: { [pkg.name]: `file:${tarball}` } }, null, 2));
  writeFileSync(join(app, 'package-lock.json'), JSON.stringify(appLockfile(tarball), null, 2));
  const install = sh('npm', ['ci', '--offline', '--no-audit', '--no-fund'], app);
  if (install.status !== 0) throw new Error(`npm ci --offline failed:\n${install.stderr}`);
  cpSync(join(repo, DHCS), join(app, 'rules', 'dhcs-ecm-cs'), { recursive: true });
}, 600_000);

describe('the tarball', () => {
  it('holds the build, the bin and the schema — no tests, fixtures, benchmarks or TypeScript sources', () => {
    const files = packed.files.map((f) => f.path);
    for (const needed of ['package.json', 'README.md', pkg.bin.codeguide!, 'build/compiler/api.js', 'build/compiler/api.d.ts', 'build/compiler/cli.js', 'compiler/schema/rules.schema.json', 'build/compiler/schema/rules.schema.json']) {
      expect(files).toContain(needed);
    }
    expect(files.filter((f) => /^test\/|fixtures|bench|^scripts\/|^rules\/|^node_modules\//.test(f))).toEqual([]);
    expect(files.filter((f) => /\.(c|m)?ts$/.test(f) && !/\.d\.(c|m)?ts$/.test(f))).toEqual([]);
  });

  it('ships the runtime the emitter inlines exactly as written in the repository', () => {
    const installed = join(app, 'node_modules', pkg.name);
    for (const f of readdirSync(join(repo, 'runtime'))) {
      expect(readFileSync(join(installed, 'build', 'runtime', f), 'utf8'), f).toBe(readFileSync(join(repo, 'runtime', f), 'utf8'));
    }
  });
});

describe('npx codeguide, installed from the tarball', () => {
  it('--version and --help', () => {
    const v = codeguide('--version');
    expect(v.status).toBe(0);
    expect(v.stdout).toBe(`${pkg.version}\n`);
    const h = codeguide('help', 'compile');
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/^usage: codeguide compile/m);
  }, 60_000);

  it('check passes the DHCS rules; compile writes the same bytes as the sources do', () => {
    const c = codeguide('check', 'rules/dhcs-ecm-cs');
    expect(c.status, c.stderr).toBe(0);
    expect(c.stderr).toMatch(/examples as expected/);
    const out = codeguide('compile', 'rules/dhcs-ecm-cs', '--out', 'dist/dhcs.mjs');
    expect(out.status, out.stderr).toBe(0);
    // The TypeScript sources, run by plain node through tsx (not through this test runner's own transform).
    const api = pathToFileURL(join(repo, 'compiler', 'api.ts')).href;
    const script = `const { compile } = await import(${JSON.stringify(api)}); const r = await compile(${JSON.stringify(join(repo, DHCS))}); process.stdout.write(JSON.stringify([r.bundle, r.dts]));`;
    const fromSources = sh(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], repo);
    expect(fromSources.status, fromSources.stderr).toBe(0);
    const [bundle, dts] = JSON.parse(fromSources.stdout) as [string, string];
    expect(readFileSync(join(app, 'dist', 'dhcs.mjs'), 'utf8')).toBe(bundle);
    expect(readFileSync(join(app, 'dist', 'dhcs.d.ts'), 'utf8')).toBe(dts);
  }, 120_000);

  it('validate, with the bundle and with the rules: one result per line, exit code by the results', () => {
    const sample = join(repo, 'rules', 'dhcs-ecm-cs', 'sample', 'encounters.jsonl');
    const lines = readFileSync(sample, 'utf8').split('\n').filter((l) => l !== '').length;
    for (const how of [['--bundle', 'dist/dhcs.mjs'], ['--rules', 'rules/dhcs-ecm-cs']]) {
      const r = codeguide('validate', ...how, sample);
      const results = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { index: number; status: string });
      expect(results.map((x) => x.index)).toEqual([...Array(lines).keys()]);
      expect(r.status).toBe(results.some((x) => x.status === 'rejected' || x.status === 'invalid') ? 1 : 0);
      expect(r.stderr).toMatch(new RegExp(`codeguide: ${lines} lines`));
    }
  }, 120_000);

  it('validate --bundle loads none of the compiler (the installed build, traced)', () => {
    const one = join(app, 'one.jsonl');
    writeFileSync(one, `${JSON.stringify({ claimId: 'C1', lineNumber: 1, memberId: 'M1', serviceDate: '2024-04-02', procedureCode: 'G9008', modifiers: ['U1'], units: 1 })}\n`);
    const bin = join(app, 'node_modules', pkg.name, pkg.bin.codeguide!);
    const { status, modules, stderr } = traceModules(writeTracer(work), work, [bin, 'validate', '--bundle', 'dist/dhcs.mjs', one], app);
    expect(status, stderr).toBe(0);
    expect(modules.some((m) => m.endsWith(`/node_modules/${pkg.name}/build/compiler/commands/validate.js`))).toBe(true);
    expect(modules.filter((m) => /\/tsx\//.test(m))).toEqual([]);
    for (const heavy of COMPILER_MODULES) expect(modules.filter((m) => heavy.test(m))).toEqual([]);
  }, 60_000);

  it('init writes a guidance that check passes, with the schema comment pointing into the installed package', () => {
    const r = codeguide('init', 'rules', '--guidance', 'acme-care', '--edition', '1.0');
    expect(r.status, r.stderr).toBe(0);
    const first = readFileSync(join(app, 'rules', 'acme-care', '1.0', 'guidance.yaml'), 'utf8').split('\n')[0]!;
    const schema = resolve(app, 'rules', 'acme-care', '1.0', first.replace('# yaml-language-server: $schema=', ''));
    expect(schema).toBe(join(app, 'node_modules', pkg.name, 'compiler', 'schema', 'rules.schema.json'));
    expect(existsSync(schema)).toBe(true);
    const c = codeguide('check', 'rules/acme-care');
    expect(c.status, c.stderr).toBe(0);
  }, 120_000);
});

describe('the structure check, precompiled at build time', () => {
  it('gives the same diagnostics as the validator the sources compile at run time', () => {
    const mistakes: [string, string, string][] = [
      ['guidance.yaml', '  title: Mini guidance for tests', '  titel: Mini guidance for tests'],
      ['catalogue.yaml', 'modifiers: [U1], staff: clinical', 'modifiers: U1, staff: clinical, colour: blue'],
      ['rules.yaml', '    category: not-effective', '    category: Not_Effective'],
      ['guidance.yaml', 'outreach-after-initiation: { severity: warning }', 'outreach-after-initiation: { severity: warn }'],
      ['examples.yaml', 'expect: { status: accepted, findings: [] }', 'expect: { findings: [] }'],
    ];
    const cli = pathToFileURL(join(repo, 'compiler', 'cli.ts')).href;
    mistakes.forEach(([file, from, to], i) => {
      const dir = join(app, 'structure', String(i), 'mini-guidance');
      cpSync(join(repo, MINI), dir, { recursive: true });
      const path = join(dir, '1.0', file);
      const text = readFileSync(path, 'utf8');
      expect(text).toContain(from);
      writeFileSync(path, text.replace(from, to));
      const rel = join('structure', String(i), 'mini-guidance');
      const built = codeguide('check', rel, '--json');
      const script = `const { main } = await import(${JSON.stringify(cli)}); process.exitCode = await main(['check', ${JSON.stringify(rel)}, '--json']);`;
      const sources = sh(process.execPath, ['--import', tsxLoader(), '--input-type=module', '-e', script], app);
      expect(built.status, built.stderr).toBe(2);
      expect(sources.status, sources.stderr).toBe(2);
      const diagnostics = (JSON.parse(built.stdout) as { diagnostics: { code: string }[] }).diagnostics;
      expect(diagnostics.length, to).toBeGreaterThan(0);
      expect(built.stdout).toBe(sources.stdout);
    });
    expect(existsSync(join(app, 'node_modules', pkg.name, 'build', 'compiler', 'schema', 'rules.validate.cjs'))).toBe(true);
  }, 180_000);
});

describe('the bin in a checkout', () => {
  it('runs build/ when it is newer than the sources, the sources through tsx when one is newer', () => {
    // src/ is the clean copy npm pack built.
    const tracer = writeTracer(work);
    const fresh = traceModules(tracer, work, ['compiler/bin.mjs', '--version'], src);
    expect(fresh.status, fresh.stderr).toBe(0);
    expect(fresh.modules.some((m) => m.endsWith('/src/build/compiler/cli.js'))).toBe(true);
    expect(fresh.modules.filter((m) => m.endsWith('/src/compiler/cli.ts'))).toEqual([]);
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(src, 'compiler', 'diagnostics.ts'), later, later);
    const stale = traceModules(tracer, work, ['compiler/bin.mjs', '--version'], src);
    expect(stale.status, stale.stderr).toBe(0);
    expect(stale.modules.some((m) => m.endsWith('/src/compiler/cli.ts'))).toBe(true);
    expect(stale.modules.filter((m) => m.endsWith('/src/build/compiler/cli.js'))).toEqual([]);
  }, 60_000);
});

describe('the API, from a plain .mjs file', () => {
  it('compile, check, loadBundle and formatDiagnostic, imported from the package', () => {
    cpSync(join(repo, MINI), join(app, 'mini', 'mini-guidance'), { recursive: true });
    writeFileSync(join(app, 'use-api.mjs'), `
import { readFileSync, writeFileSync } from 'node:fs';
import { check, compile, formatDiagnostic, loadBundle } from ${JSON.stringify(pkg.name)};
const compiled = await compile('mini/mini-guidance');
writeFileSync('mini.mjs', compiled.bundle);
const bundle = await loadBundle('mini.mjs');
const line = { claimId: 'C1', lineNumber: 1, memberId: 'M1', serviceDate: '2024-04-01', procedureCode: 'G9008', modifiers: ['U1'], units: 1 };
const missing = await check('no-such-folder');
console.log(JSON.stringify({
  ok: compiled.ok, versions: compiled.versions, guidance: bundle.meta.guidance,
  statuses: bundle.validate([line, { ...line, units: 0 }]).map((r) => r.status),
  missing: missing.diagnostics.map(formatDiagnostic),
  schema: JSON.parse(readFileSync(new URL(import.meta.resolve(${JSON.stringify(`${pkg.name}/schema.json`)})), 'utf8')).title,
}));
`);
    const r = sh(process.execPath, ['use-api.mjs'], app);
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(got).toMatchObject({ ok: true, versions: ['1.0'], guidance: 'mini-guidance', statuses: ['accepted', 'invalid'] });
    expect((got.missing as string[])[0]).toMatch(/^no-such-folder:\d+:\d+: error read-error /);
    expect(got.schema).toBe((JSON.parse(readFileSync(join(repo, 'compiler', 'schema', 'rules.schema.json'), 'utf8')) as { title: string }).title);
  }, 120_000);

  it('the README\'s build script: compiles, writes, fails on an error', () => {
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    const script = /```js\n(\/\/ build-rules\.mjs[\s\S]*?)```/.exec(readme)?.[1];
    expect(script, 'the README has the build-rules.mjs example').toBeDefined();
    writeFileSync(join(app, 'build-rules.mjs'), script!.replaceAll("from 'codeguide'", `from ${JSON.stringify(pkg.name)}`));
    const good = sh(process.execPath, ['build-rules.mjs'], app);
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/examples as expected\n/);
    expect(good.stdout.trim().split('\n').pop()).toBe('accepted');
    expect(existsSync(join(app, 'dist', 'dhcs-ecm-cs.d.ts'))).toBe(true);
    // Break one rule file: the script prints the diagnostic and exits 1.
    const ruleFiles = readdirSync(join(app, 'rules', 'dhcs-ecm-cs'), { recursive: true }).map((f) => join(app, 'rules', 'dhcs-ecm-cs', String(f)));
    const path = ruleFiles.find((f) => f.endsWith('.yaml') && /^rules:$/m.test(readFileSync(f, 'utf8')))!;
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^rules:$/m, 'rules:\n  - id: broken\n    when: units >\n    category: nope\n    cite: x'));
    const bad = sh(process.execPath, ['build-rules.mjs'], app);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/rules\.yaml:\d+:\d+: error /);
  }, 120_000);

  it('types: a TypeScript consumer type-checks against the installed declarations', () => {
    writeFileSync(join(app, 'consumer.ts'), `
import { check, compile, formatDiagnostic, loadBundle, type CompileResult, type Diagnostic, type LineResult } from ${JSON.stringify(pkg.name)};
const result: CompileResult = await compile('rules/dhcs-ecm-cs', { version: '1.2' });
const first: Diagnostic | undefined = result.diagnostics[0];
if (first) console.log(formatDiagnostic(first), first.line + first.col);
const text: string | null = result.bundle;
const bundle = await loadBundle('dist/dhcs.mjs');
const results: LineResult[] = bundle.validate([]);
const status: 'accepted' | 'rejected' | 'out-of-scope' | 'invalid' | undefined = results[0]?.status;
const versions: readonly string[] = bundle.meta.versions;
const ok: boolean = (await check('rules')).ok;
console.log(text, status, versions, ok);
// @ts-expect-error compile takes a folder name, not a number
void compile(42);
`);
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(repo, 'node_modules', '@types')] },
      files: ['consumer.ts'],
    }));
    const tsc = sh(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], app);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 120_000);
});
