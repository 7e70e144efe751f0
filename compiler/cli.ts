/**
 * The `codeguide` command line. Exit codes: 0 ran and every line was
 * accepted or out of scope (check/test: every example came out as expected);
 * 1 some line was rejected or invalid (check/test: an example did not);
 * 2 could not run. Never ends with a stack trace. Each command is loaded
 * only when it runs (or when its help is asked for).
 */
import { closest } from './diagnostics.ts';
import { helpText, packageVersion, UsageError, type CommandSpec, type Out } from './commands/shared.ts';

/** A command, once loaded: its help and how to run it. */
interface Command {
  spec: CommandSpec;
  run(argv: string[], out: Out, err: Out): Promise<number>;
}

/** Every command, in the order the overview lists them. */
const COMMANDS: Record<string, { /** One line, for the overview and the command's help. */ summary: string; load(): Promise<Command> }> = {
  compile: {
    summary: 'compile rule files into one standalone JavaScript module',
    load: async () => {
      const m = await import('./commands/compile.ts');
      return { spec: m.compileSpec, run: (argv, _out, err) => m.compileCommand(argv, err) };
    },
  },
  check: {
    summary: 'check rule files and run their examples, writing nothing',
    load: async () => {
      const m = await import('./commands/compile.ts');
      return { spec: m.checkSpec, run: (argv, out, err) => m.checkCommand(argv, out, err, false) };
    },
  },
  test: {
    summary: 'run the examples; list rules and entries no example exercises',
    load: async () => {
      const m = await import('./commands/compile.ts');
      return { spec: m.testSpec, run: (argv, out, err) => m.checkCommand(argv, out, err, true) };
    },
  },
  validate: {
    summary: 'judge an encounter file: one result per line, a summary on stderr',
    load: async () => {
      const m = await import('./commands/validate.ts');
      return { spec: m.validateSpec, run: (argv, out, err) => m.validateCommand(argv, out, err) };
    },
  },
  diff: {
    summary: 'what changed between two editions, and which lines of an encounter file change outcome',
    load: async () => {
      const m = await import('./commands/diff.ts');
      return { spec: m.diffSpec, run: (argv, out, err) => m.diffCommand(argv, out, err) };
    },
  },
  docs: {
    summary: 'one edition as an analyst reads it: a self-contained HTML page or Markdown',
    load: async () => {
      const m = await import('./commands/docs.ts');
      return { spec: m.docsSpec, run: (argv, out, err) => m.docsCommand(argv, out, err) };
    },
  },
  init: {
    summary: 'start a new guidance: a folder of rule files that check passes',
    load: async () => {
      const m = await import('./commands/init.ts');
      return { spec: m.initSpec, run: (argv, out, err) => m.initCommand(argv, out, err) };
    },
  },
};

/** The overview: every command and where to read more. */
export function overview(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length), 'help'.length) + 3;
  return [
    `codeguide ${packageVersion()} — compiles billing-code guidance (rule files) into standalone JavaScript validators`,
    '',
    'usage: codeguide <command> [options]',
    '',
    'commands:',
    ...names.map((n) => `  ${n.padEnd(width)}${COMMANDS[n]!.summary}`),
    `  ${'help'.padEnd(width)}show a command's options and an example: codeguide help <command>`,
    '',
    '<rule-dir> is a guidance folder (rules/dhcs-ecm-cs: every edition) or one edition\'s folder (rules/dhcs-ecm-cs/1.2).',
    'codeguide <command> --help shows that command\'s options; codeguide --version prints the version.',
    '',
  ].join('\n');
}

function unknownCommand(name: string): UsageError {
  const near = closest(name, [...Object.keys(COMMANDS), 'help']);
  return new UsageError(`unknown command "${name}"${near ? ` — did you mean ${near}?` : ''}`);
}

/** Whether the arguments ask for help (before any `--`). */
function wantsHelp(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

export async function main(argv: string[], out: Out = process.stdout, err: Out = process.stderr): Promise<number> {
  const [name, ...rest] = argv;
  let spec: CommandSpec | undefined;
  try {
    switch (name) {
      case undefined:
        err.write(overview());
        return 2;
      case '-h': case '--help':
        out.write(overview());
        return 0;
      case '-v': case '--version':
        out.write(`${packageVersion()}\n`);
        return 0;
      case 'help': {
        if (rest.length === 0) {
          out.write(overview());
          return 0;
        }
        const entry = COMMANDS[rest[0]!];
        if (!entry || rest.length > 1) throw rest.length > 1 ? new UsageError('help takes one command name') : unknownCommand(rest[0]!);
        out.write(helpText((await entry.load()).spec, entry.summary));
        return 0;
      }
    }
    const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!entry) throw unknownCommand(name);
    const command = await entry.load();
    spec = command.spec;
    if (wantsHelp(rest)) {
      out.write(helpText(command.spec, entry.summary));
      return 0;
    }
    return await command.run(rest, out, err);
  } catch (e) {
    if (e instanceof UsageError) {
      const usage = spec ? `usage: ${spec.usage}\n(codeguide help ${spec.name} lists every option)` : 'usage: codeguide <command> [options]\n(codeguide help lists the commands)';
      err.write(`codeguide: ${e.message}\n${usage}\n`);
    } else {
      err.write(`codeguide: ${(e as Error)?.message ?? String(e)}\n`);
    }
    return 2;
  }
}
