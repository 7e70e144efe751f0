/**
 * The command line behaves like the tools it sits beside: --version, help for
 * every command (two ways), "did you mean" for misspelt commands and options,
 * colour only on a terminal and never with NO_COLOR, and each command loading
 * only the modules it needs.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../compiler/cli.ts';
import { MINI } from '../helpers.ts';
import { COMPILER_MODULES, traceModules, writeTracer } from '../package/trace.ts';

const work = mkdtempSync(join(tmpdir(), 'codeguide-conventions-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run { code: number; out: string; err: string }

async function run(argv: string[], opts: { tty?: boolean } = {}): Promise<Run> {
  let out = '';
  let err = '';
  const code = await main(argv, { write: (s) => { out += s; }, isTTY: opts.tty }, { write: (s) => { err += s; }, isTTY: opts.tty });
  return { code, out, err };
}

/** The command names the overview lists (so a new command is covered without editing this test). */
async function commandNames(): Promise<string[]> {
  const { out } = await run(['--help']);
  const section = out.slice(out.indexOf('commands:\n') + 'commands:\n'.length).split('\n\n')[0]!;
  return section.split('\n').map((l) => l.trim().split(/\s+/)[0]!).filter((n) => n && n !== 'help');
}

/** A copy of the mini rules with a syntax error in one expression. */
function brokenRules(): string {
  const dir = join(work, 'broken', 'mini-guidance');
  cpSync(MINI, dir, { recursive: true });
  const rules = join(dir, '1.0', 'rules.yaml');
  writeFileSync(rules, readFileSync(rules, 'utf8').replace('ruleOfEights(minutes) == 0', 'ruleOfEights(minutes == 0'));
  return dir;
}

describe('--version and help', () => {
  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const r = await run([flag]);
      expect(r.code).toBe(0);
      expect(r.out).toBe(`${pkg.version}\n`);
    }
  });

  it('the overview lists the commands; with no command it goes to stderr and exits 2', async () => {
    const names = await commandNames();
    expect(names).toEqual(expect.arrayContaining(['compile', 'check', 'test', 'validate', 'init']));
    const bare = await run([]);
    expect(bare.code).toBe(2);
    expect(bare.err).toMatch(/^usage: codeguide <command>/m);
    for (const n of names) expect(bare.err).toMatch(new RegExp(`^  ${n} `, 'm'));
  });

  it('help <command> and <command> --help print the same help: usage, every option, an example', async () => {
    for (const name of await commandNames()) {
      const a = await run(['help', name]);
      const b = await run([name, '--help']);
      const c = await run([name, 'some-folder', '-h']);
      expect(a.code).toBe(0);
      expect(b).toEqual(a);
      expect(c).toEqual(a);
      expect(a.out).toMatch(new RegExp(`^usage: codeguide ${name}\\b`, 'm'));
      expect(a.out).toMatch(/^options:$/m);
      expect(a.out).toMatch(new RegExp(`^examples?:\\n  codeguide ${name} `, 'm'));
      // Every option the usage line shows is explained under options.
      const usage = a.out.split('\n').find((l) => l.startsWith('usage:'))!;
      for (const [, opt] of usage.matchAll(/--([a-z-]+)/g)) expect(a.out).toMatch(new RegExp(`^  --${opt}\\b`, 'm'));
    }
  });

  it('help lists exactly the options each command accepts', async () => {
    for (const name of await commandNames()) {
      const help = (await run(['help', name])).out;
      const listed = [...help.matchAll(/^  (--[a-z-]+)/gm)].map((m) => m[1]!).sort();
      // With no near miss, an unknown option is answered with the command's own option list.
      const accepted = /\(options: ([^)]*)\)/.exec((await run([name, '--zzzzzzzzzz'])).err)?.[1]?.split(', ').sort();
      expect(accepted, name).toBeDefined();
      expect(listed, name).toEqual(accepted);
    }
  });

  it('an unknown command or help topic suggests the nearest command', async () => {
    const r = await run(['chek', 'rules']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown command "chek" — did you mean check\?/);
    const h = await run(['help', 'valdate']);
    expect(h.code).toBe(2);
    expect(h.err).toMatch(/did you mean validate\?/);
    expect((await run(['frobnicate'])).err).not.toMatch(/did you mean/);
  });
});

describe('options', () => {
  it('an unknown option suggests the nearest one of that command, and the usage', async () => {
    const cases: [string[], string][] = [
      [['check', MINI, '--jsn'], '--json'],
      [['compile', MINI, '--otu', 'x.mjs'], '--out'],
      [['validate', '--bundel', 'x.mjs', 'in.jsonl'], '--bundle'],
      [['validate', '--bundle', 'x.mjs', '--fromat', 'csv', 'in.jsonl'], '--format'],
      [['init', 'rules', '--edtion', '1.0'], '--edition'],
    ];
    for (const [argv, near] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toContain(`did you mean ${near}?`);
      expect(r.err).toMatch(new RegExp(`^usage: codeguide ${argv[0]}`, 'm'));
      expect(r.err).not.toMatch(/\n\s+at /);
    }
    const far = await run(['check', MINI, '--zzzzzzzz']);
    expect(far.err).toMatch(/unknown option --zzzzzzzz \(options: --version, --json\)/);
  });

  it('an option without its value says what value it needs', async () => {
    const r = await run(['compile', MINI, '--out']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--out needs a value \(--out FILE\.mjs\)/);
  });

  it('compile --version still names the edition to compile', async () => {
    const r = await run(['check', MINI, '--version', '9.9']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error unknown-version no version 9\.9 here/);
  });
});

describe('colour', () => {
  let broken: string;
  beforeAll(() => { broken = brokenRules(); });

  it('diagnostics are coloured on a terminal, plain elsewhere and with NO_COLOR', async () => {
    const saved = process.env.NO_COLOR;
    try {
      delete process.env.NO_COLOR;
      const tty = await run(['check', broken], { tty: true });
      expect(tty.code).toBe(2);
      expect(tty.err).toContain('\x1b[31merror\x1b[0m');
      const piped = await run(['check', broken]);
      expect(piped.err).not.toContain('\x1b[');
      expect(piped.err).toMatch(/^\S+rules\.yaml:\d+:\d+: error expr-syntax /m);
      process.env.NO_COLOR = '1';
      const noColour = await run(['check', broken], { tty: true });
      expect(noColour.err).toBe(piped.err);
      process.env.NO_COLOR = '';
      expect((await run(['check', broken], { tty: true })).err).toBe(tty.err);
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
  }, 30_000);

  it('the real command on a real terminal (a pseudo-terminal from script(1)) colours, and NO_COLOR stops it', () => {
    const onTerminal = (noColour: string | null) => {
      const env = { ...process.env };
      delete env.NO_COLOR;
      if (noColour !== null) env.NO_COLOR = noColour;
      const r = spawnSync('script', ['-qec', `${process.execPath} compiler/bin.mjs check ${broken}`, '/dev/null'], { encoding: 'utf8', env });
      if (r.error) throw new Error(`script(1) did not run (install the bsdutils package): ${r.error.message}`);
      return r.stdout;
    };
    expect(onTerminal(null)).toContain('\x1b[31merror');
    const plain = onTerminal('1');
    expect(plain).toMatch(/: error expr-syntax /);
    expect(plain).not.toContain('\x1b[');
  }, 60_000);
});

describe('each command loads only what it uses', () => {
  const good = { claimId: 'C1', lineNumber: 1, memberId: 'M1', serviceDate: '2024-04-01', procedureCode: 'G9008', modifiers: ['U1'], units: 1 };
  let tracer: string;
  beforeAll(() => { tracer = writeTracer(work); });

  /** Run the CLI from its TypeScript sources with the module tracer. */
  function modulesLoaded(argv: string[]) {
    const cli = pathToFileURL(join(process.cwd(), 'compiler', 'cli.ts')).href;
    const script = `const { main } = await import(${JSON.stringify(cli)}); process.exitCode = await main(${JSON.stringify(argv)});`;
    return traceModules(tracer, work, ['--import', 'tsx', '--input-type=module', '-e', script]);
  }

  it('validate --bundle never loads the compiler, the grammar, ajv or yaml', async () => {
    const bundle = join(work, 'lazy', 'mini.mjs');
    mkdirSync(join(work, 'lazy'), { recursive: true });
    expect((await run(['compile', MINI, '--out', bundle])).code).toBe(0);
    const input = join(work, 'lazy', 'one.jsonl');
    writeFileSync(input, `${JSON.stringify(good)}\n`);
    const { status, modules } = modulesLoaded(['validate', '--bundle', bundle, input]);
    expect(status).toBe(0);
    expect(modules.some((m) => m.endsWith('/compiler/commands/validate.ts'))).toBe(true);
    expect(modules.some((m) => m === pathToFileURL(bundle).href)).toBe(true);
    for (const heavy of COMPILER_MODULES) expect(modules.filter((m) => heavy.test(m))).toEqual([]);
  }, 60_000);

  it('--help and help <command> load no command that does work', () => {
    for (const argv of [['--help'], ['help', 'validate'], ['check', '--help']]) {
      const { status, modules } = modulesLoaded(argv);
      expect(status).toBe(0);
      expect(modules.some((m) => m.endsWith('/compiler/cli.ts'))).toBe(true);
      for (const heavy of COMPILER_MODULES) expect(modules.filter((m) => heavy.test(m)), argv.join(' ')).toEqual([]);
    }
  }, 60_000);

  it('check does load the compiler (the trace sees what is loaded)', () => {
    const { status, modules } = modulesLoaded(['check', MINI]);
    expect(status).toBe(0);
    expect(modules.some((m) => /\/compiler\/compile\.ts$/.test(m))).toBe(true);
    expect(modules.some((m) => /\/node_modules\/ajv\//.test(m))).toBe(true);
  }, 60_000);
});
