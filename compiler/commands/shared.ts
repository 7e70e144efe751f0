/**
 * What every command shares: how a command describes itself (options, usage,
 * an example — the help text is made from it), argument parsing with
 * "did you mean" for a misspelt option, colour on a terminal, printing
 * diagnostics, loading rules. Kept light: `codeguide --help` and
 * `validate --bundle` load this module and nothing of the compiler.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { LoadResult } from '../compile.ts';
import { closest, formatDiagnostic, type Diagnostic } from '../diagnostics.ts';
import type { ChoiceCatalog, ProfileObject } from '../profile/profile.ts';

/** One option of a command, as `--name VALUE`. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** What the value is, shown in help: `FILE.mjs`, `V`. */
  value?: string;
  /** One line for the help text. */
  description: string;
}

/** A command as its help shows it; its options are also what its arguments are parsed against. */
export interface CommandSpec {
  name: string;
  /** The command line's form: `codeguide compile <rule-dir> --out FILE.mjs`. */
  usage: string;
  /** A paragraph or two under the usage line. */
  description?: string;
  options: Record<string, OptionSpec>;
  /** Command lines that show it at work. */
  examples: string[];
}

/**
 * validate's options and help, registered here until `validate.ts` exports
 * its own `spec` (the dispatcher then takes that instead).
 */
export const VALIDATE_SPEC: CommandSpec = {
  name: 'validate',
  usage: 'codeguide validate (--rules <rule-dir> [--version V] | --bundle FILE.mjs) [--profile FILE] [--format jsonl|csv] [--out FILE] <input-file | ->',
  description: 'Results are JSON Lines, one per input record in input order, to --out or standard output; counts by status and finding category go to standard error. Exit 0: every line accepted or out of scope; 1: some line rejected or invalid.',
  options: {
    bundle: { type: 'string', value: 'FILE.mjs', description: 'judge with a compiled bundle (fast start: the compiler is not loaded)' },
    rules: { type: 'string', value: '<rule-dir>', description: 'judge with rule files, compiled on the fly' },
    version: { type: 'string', value: 'V', description: 'with --rules: only this edition' },
    format: { type: 'string', value: 'jsonl|csv', description: 'the input format (default: detected from the content)' },
    out: { type: 'string', value: 'FILE', description: 'write the results here instead of standard output' },
    profile: { type: 'string', value: 'FILE', description: 'a plan profile (YAML) selecting among the choices the rules declare' },
  },
  examples: [
    'codeguide validate --bundle dist/dhcs-ecm-cs.mjs --out results.jsonl encounters.jsonl',
    'codeguide validate --rules rules/dhcs-ecm-cs --format csv lines.csv > results.jsonl',
  ],
};

/** A mistake in how the command was called: printed with the usage, exit 2. */
export class UsageError extends Error {
  /** The command whose usage line to show, when known. */
  command?: CommandSpec;
}

/** Where a command writes: process.stdout/stderr, or a test's collector. `isTTY` turns colour on. */
export type Out = { write(s: string): boolean | void; isTTY?: boolean };

/** The package's root folder (with its package.json): two folders up from the sources, three from the build. */
export function packageRoot(): URL {
  for (const up of ['../../', '../../../']) {
    const root = new URL(up, import.meta.url);
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { name?: string };
      if (pkg.name === 'codeguide') return root;
    } catch {
      // not this level
    }
  }
  throw new Error('cannot find the codeguide package folder');
}

/** The package's own version, from its package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('package.json', packageRoot()), 'utf8')) as { version?: string };
  return String(pkg.version);
}

/**
 * Parse a command's arguments against its options. An unknown option names
 * the nearest one ("did you mean --format?"); a missing value says so.
 */
export function args(rest: string[], options: Record<string, { type: 'string' | 'boolean' }>) {
  try {
    const parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
    return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
  } catch (e) {
    const code = (e as { code?: string }).code;
    const message = (e as Error).message;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const given = /'(-[^']*)'/.exec(message)?.[1] ?? message;
      const names = Object.keys(options).map((n) => `--${n}`);
      const near = nearestOption(given.replace(/=.*$/, ''), names);
      throw new UsageError(`unknown option ${given}${near ? ` — did you mean ${near}?` : names.length ? ` (options: ${names.join(', ')})` : ''}`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = /'(--?[A-Za-z-]+)/.exec(message)?.[1];
      const option = name ? (options as Record<string, OptionSpec | undefined>)[name.replace(/^-+/, '')] : undefined;
      if (name && option?.type === 'string') throw new UsageError(`${name} needs a value${option.value ? ` (${name} ${option.value})` : ''}`);
      if (name) throw new UsageError(`${name} takes no value`);
    }
    throw new UsageError(message);
  }
}

/**
 * The option a misspelt one most likely meant: a near miss by edit distance,
 * two neighbouring letters swapped (`--otu`), or the one option it begins (`--ver`).
 */
export function nearestOption(given: string, names: readonly string[]): string | undefined {
  const near = closest(given, names);
  if (near !== undefined) return near;
  const swapped = names.find((n) => n.length === given.length && [...n].some((_, i) =>
    i + 1 < n.length && n[i] !== n[i + 1] && `${n.slice(0, i)}${n[i + 1]}${n[i]}${n.slice(i + 2)}` === given));
  if (swapped !== undefined) return swapped;
  const prefixed = names.filter((n) => given.length > 3 && n.startsWith(given));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

export function oneDir(positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name a rule folder' : `expected one rule folder, got ${positionals.length} arguments`);
  return positionals[0]!;
}

/** Whether to colour what goes to `out`: only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColour(out: Out, env: NodeJS.ProcessEnv = process.env): boolean {
  return out.isTTY === true && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

const SGR = { red: '31', yellow: '33', dim: '2', bold: '1' } as const;

/** Text in a colour when `on`, else as it is. */
export function paint(on: boolean, colour: keyof typeof SGR, text: string): string {
  return on ? `\x1b[${SGR[colour]}m${text}\x1b[0m` : text;
}

/** A diagnostic as `path:line:col: error CODE message` and its hint; the severity and hint coloured on a terminal. */
export function formatForTerminal(d: Diagnostic, colour: boolean): string {
  const plain = formatDiagnostic(d);
  if (!colour) return plain;
  const head = `${d.file}:${d.line}:${d.col}: `;
  const [first, ...rest] = plain.split('\n');
  const tail = first!.slice(head.length + d.severity.length);
  return [
    `${paint(true, 'bold', head)}${paint(true, d.severity === 'error' ? 'red' : 'yellow', d.severity)}${tail}`,
    ...rest.map((l) => paint(true, 'dim', l)),
  ].join('\n');
}

export function report(diagnostics: Diagnostic[], err: Out): void {
  const colour = useColour(err);
  for (const d of diagnostics) err.write(`${formatForTerminal(d, colour)}\n`);
}

/** Load and check rule files (the compiler is loaded only here, when a command needs it). */
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

/** A plan profile file checked against the loaded rule sets' choices; undefined (reported) when it has errors. */
export async function profileFor(loaded: LoadResult, path: string, err: Out): Promise<ProfileObject | undefined> {
  const { choiceCatalog } = await import('../profile/profile.ts');
  const catalog = choiceCatalog(loaded.versions[0]!.guidance.id, loaded.versions);
  return (await loadPlanProfile(path, catalog.guidance, catalog.choices, err)) ?? undefined;
}

export async function load(dir: string, version: string | undefined, err: Out): Promise<LoadResult | null> {
  const { loadRules } = await import('../compile.ts');
  const loaded = loadRules(dir, version);
  report(loaded.diagnostics, err);
  return loaded.versions.length === 0 ? null : loaded;
}

/** A command's help: what it does (`summary`, the line the command list shows), its usage, every option, examples. */
export function helpText(spec: CommandSpec, summary: string): string {
  const rows: [string, string][] = Object.entries(spec.options).map(([n, o]) => [`--${n}${o.value ? ` ${o.value}` : ''}`, o.description]);
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return [
    `codeguide ${spec.name} — ${summary}`,
    '',
    `usage: ${spec.usage}`,
    ...(spec.description ? ['', wrap(spec.description, 78)] : []),
    '',
    'options:',
    ...rows.map(([l, d]) => `  ${l.padEnd(width)}${d}`),
    '',
    spec.examples.length === 1 ? 'example:' : 'examples:',
    ...spec.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}

/** Wrap a paragraph at `width` columns. */
function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join('\n');
}
