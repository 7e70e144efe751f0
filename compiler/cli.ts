/**
 * The `codeguide` command line. Exit codes: 0 ran and every line was
 * accepted or out of scope (check/test: every example came out as expected);
 * 1 some line was rejected or invalid (check/test: an example did not);
 * 2 could not run. Never ends with a stack trace.
 */
import { createWriteStream, existsSync, mkdirSync, statSync, writeFileSync, WriteStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { compileBundle, loadRules, type LoadResult } from './compile.ts';
import { formatDiagnostic, type Diagnostic } from './diagnostics.ts';
import { loadBundle, runExamples, type ExampleReport } from './examples.ts';
import { detectFormat, openInput, readRecords } from './input.ts';
import type { LineResult } from './interpret.ts';

const USAGE = `usage:
  codeguide compile <rule-dir> [--version V] --out FILE.mjs
  codeguide check <rule-dir> [--version V] [--json]
  codeguide test <rule-dir> [--version V] [--json]
  codeguide validate (--rules <rule-dir> [--version V] | --bundle FILE.mjs) [--format jsonl|csv] [--out FILE] <input-file | ->

<rule-dir> is a guidance folder (rules/dhcs-ecm-cs: every version) or one version folder (rules/dhcs-ecm-cs/1.2).`;

class UsageError extends Error {}

type Out = { write(s: string): boolean | void };

export async function main(argv: string[], out: Out = process.stdout, err: Out = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'compile': return await compileCommand(rest, err);
      case 'check': return await checkCommand(rest, out, err, false);
      case 'test': return await checkCommand(rest, out, err, true);
      case 'validate': return await validateCommand(rest, out, err);
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

function args(rest: string[], options: Record<string, { type: 'string' | 'boolean' }>) {
  const parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
}

function oneDir(positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name a rule folder' : `expected one rule folder, got ${positionals.length} arguments`);
  return positionals[0]!;
}

function report(diagnostics: Diagnostic[], err: Out): void {
  for (const d of diagnostics) err.write(`${formatDiagnostic(d)}\n`);
}

function load(dir: string, version: string | undefined, err: Out): LoadResult | null {
  const loaded = loadRules(dir, version);
  report(loaded.diagnostics, err);
  return loaded.versions.length === 0 ? null : loaded;
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

async function compileCommand(rest: string[], err: Out): Promise<number> {
  const { values, positionals } = args(rest, { out: { type: 'string' }, version: { type: 'string' }, profile: { type: 'string' } });
  const dir = oneDir(positionals);
  if (typeof values.out !== 'string') throw new UsageError('compile needs --out FILE.mjs');
  if (values.profile !== undefined) throw new UsageError('plan profiles (--profile) are not supported by this version of codeguide');
  const loaded = load(dir, values.version as string | undefined, err);
  if (!loaded) return 2;
  const reports = await examples(loaded, err, false);
  if (reports.some((r) => r.failed.length > 0)) {
    err.write('codeguide: not written: an example in the rule files did not come out as expected\n');
    return 1;
  }
  const bundle = compileBundle(loaded);
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

async function checkCommand(rest: string[], out: Out, err: Out, coverage: boolean): Promise<number> {
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
  const loaded = load(oneDir(positionals), values.version as string | undefined, err);
  if (!loaded) return 2;
  const reports = await examples(loaded, err, coverage);
  return reports.some((r) => r.failed.length > 0) ? 1 : 0;
}

interface LineByLine { add(line: unknown): void; finish(): LineResult[] }
interface Validator { validate(lines: readonly unknown[]): LineResult[]; createValidator?: () => LineByLine }

/** For a bundle without createValidator: gather the lines, then validate them at once. */
function collecting(validator: Validator): LineByLine {
  const lines: unknown[] = [];
  return { add: (line) => lines.push(line), finish: () => validator.validate(lines) };
}

async function validateCommand(rest: string[], out: Out, err: Out): Promise<number> {
  const { values, positionals } = args(rest, {
    rules: { type: 'string' }, bundle: { type: 'string' }, version: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, profile: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError('validate needs one input file (or - for standard input)');
  if ((values.rules === undefined) === (values.bundle === undefined)) throw new UsageError('validate needs either --rules <rule-dir> or --bundle FILE.mjs');
  if (values.profile !== undefined) throw new UsageError('plan profiles (--profile) are not supported by this version of codeguide');
  const format = values.format as string | undefined;
  if (format !== undefined && !['jsonl', 'csv', 'x12'].includes(format)) throw new UsageError(`unknown --format "${format}" (jsonl, csv or x12)`);

  let validator: Validator;
  if (typeof values.rules === 'string') {
    const loaded = load(values.rules, values.version as string | undefined, err);
    if (!loaded) return 2;
    validator = await loadBundle(compileBundle(loaded).js);
  } else {
    if (!existsSync(values.bundle as string)) throw new Error(`cannot load bundle ${String(values.bundle)}: no such file`);
    try {
      validator = (await import(pathToFileURL(resolve(values.bundle as string)).href)) as Validator;
    } catch (e) {
      throw new Error(`cannot load bundle ${String(values.bundle)}: ${(e as Error).message.split('\n')[0]}`);
    }
    if (typeof validator.validate !== 'function') throw new Error(`${String(values.bundle)} is not a codeguide bundle (no validate export)`);
  }

  const inputPath = positionals[0]!;
  let input;
  try {
    input = await openInput(inputPath);
  } catch (e) {
    throw new Error(`cannot read ${inputPath}: ${(e as Error).message}`);
  }
  const detected = (format ?? detectFormat(input.head)) as 'jsonl' | 'csv' | 'x12';
  if (detected === 'x12') throw new Error('X12 837 input is not supported by this version of codeguide; convert it to JSON Lines or CSV');
  const size = inputPath === '-' ? 0 : statSync(inputPath).size;
  const progress = makeProgress(err, size);
  // Lines go to the validator as they are read; only their results (and what cross-line rules need) are kept.
  const run = validator.createValidator?.() ?? collecting(validator);
  let count = 0;
  for await (const record of readRecords(input.stream, detected)) {
    run.add(record);
    if ((++count & 0x3fff) === 0) progress(`reading: ${Math.floor((100 * input.bytesRead()) / size)}% (${count.toLocaleString('en-US')} lines)`);
  }
  progress(`validating ${count.toLocaleString('en-US')} lines`);
  const results = run.finish();
  progress('writing results');
  if (typeof values.out === 'string') {
    mkdirSync(dirname(resolve(values.out)), { recursive: true });
    await writeResults(results, createWriteStream(values.out));
  } else {
    await writeResults(results, out);
  }
  progress(null);
  err.write(summary(results, typeof values.out === 'string' ? values.out : null));
  return results.some((r) => r.status === 'rejected' || r.status === 'invalid') ? 1 : 0;
}

/** Write results as JSON Lines in blocks; a file stream is waited on when full and closed at the end. */
async function writeResults(results: readonly LineResult[], dest: Out | WriteStream): Promise<void> {
  const BLOCK = 1000;
  const stream = dest instanceof WriteStream ? dest : null;
  for (let i = 0; i < results.length; i += BLOCK) {
    let text = '';
    for (const r of results.slice(i, i + BLOCK)) text += `${JSON.stringify(r)}\n`;
    if (dest.write(text) === false && stream) await new Promise<void>((done) => stream.once('drain', () => done()));
  }
  if (stream) await new Promise<void>((done, fail) => { stream.once('error', fail); stream.end(() => done()); });
}

/** A one-line progress display on a terminal for large files (over 8 MiB); `null` clears it. */
function makeProgress(err: Out, size: number): (text: string | null) => void {
  const tty = (process.stderr as { isTTY?: boolean }).isTTY === true && err === process.stderr;
  if (!tty || size < 8 * 1024 * 1024) return () => {};
  return (text) => err.write(text === null ? '\r\x1b[K' : `\r\x1b[Kcodeguide: ${text}…`);
}

/** Counts by status and by category, for people. */
export function summary(results: readonly LineResult[], outPath: string | null): string {
  const byStatus = new Map<string, number>();
  const byCategory = new Map<string, { error: number; warning: number }>();
  for (const r of results) {
    byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    for (const f of r.findings) {
      const c = byCategory.get(f.category) ?? { error: 0, warning: 0 };
      c[f.severity]++;
      byCategory.set(f.category, c);
    }
  }
  const lines = [`codeguide: ${results.length} lines${outPath ? ` → ${outPath}` : ''}`];
  for (const s of ['accepted', 'rejected', 'out-of-scope', 'invalid']) lines.push(`  ${s.padEnd(14)}${String(byStatus.get(s) ?? 0).padStart(8)}`);
  if (byCategory.size) {
    lines.push('findings by category:');
    for (const [c, n] of [...byCategory.entries()].sort((a, b) => b[1].error + b[1].warning - (a[1].error + a[1].warning) || (a[0] < b[0] ? -1 : 1))) {
      const kinds = [n.error ? `${n.error} error${n.error === 1 ? '' : 's'}` : '', n.warning ? `${n.warning} warning${n.warning === 1 ? '' : 's'}` : ''].filter(Boolean).join(', ');
      lines.push(`  ${c.padEnd(28)}${kinds}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
