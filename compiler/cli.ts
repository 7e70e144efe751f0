/**
 * The `codeguide` command line. Exit codes: 0 ran and every line was
 * accepted or out of scope (check/test: every example came out as expected);
 * 1 some line was rejected or invalid (check/test: an example did not);
 * 2 could not run. Never ends with a stack trace. Each command is loaded
 * only when it runs.
 */
import { USAGE, UsageError, type Out } from './commands/shared.ts';

export async function main(argv: string[], out: Out = process.stdout, err: Out = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'compile': return await (await import('./commands/compile.ts')).compileCommand(rest, err);
      case 'check': return await (await import('./commands/compile.ts')).checkCommand(rest, out, err, false);
      case 'test': return await (await import('./commands/compile.ts')).checkCommand(rest, out, err, true);
      case 'validate': return await (await import('./commands/validate.ts')).validateCommand(rest, out, err);
      case 'diff': return await (await import('./commands/diff.ts')).diffCommand(rest, out, err);
      case 'docs': return await (await import('./commands/docs.ts')).docsCommand(rest, out, err);
      case undefined: case '-h': case '--help': case 'help':
        (command === undefined ? err : out).write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err.write(`codeguide: ${(e as Error).message}\n${USAGE}\n`);
    } else {
      err.write(`codeguide: ${(e as Error).message ?? String(e)}\n`);
    }
    return 2;
  }
}
