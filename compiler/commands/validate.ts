/** `codeguide validate`: judge an encounter file with a bundle or rule files; results out, summary on stderr. */
import { createWriteStream, existsSync, mkdirSync, statSync, WriteStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { detectFormat, openInput, readRecords } from '../input.ts';
import type { LineResult } from '../interpret.ts';
import { args, load, loadPlanProfile, profileFor, UsageError, type Out } from './shared.ts';
import type { ChoiceCatalog } from '../profile/profile.ts';

interface LineByLine { add(line: unknown): void; finish(): LineResult[] }
interface Validator {
  validate(lines: readonly unknown[], options?: object): LineResult[];
  createValidator?: (options?: object) => LineByLine;
  meta?: unknown;
}

/** What validate reads of a bundle's meta when it is given a plan profile. */
type ProfileMeta = { guidance?: string; choices?: ChoiceCatalog['choices']; profile?: string | null };

/** For a bundle without createValidator: gather the lines, then validate them at once. */
function collecting(validator: Validator, options: object): LineByLine {
  const lines: unknown[] = [];
  return { add: (line) => lines.push(line), finish: () => validator.validate(lines, options) };
}

export async function validateCommand(rest: string[], out: Out, err: Out): Promise<number> {
  const { values, positionals } = args(rest, {
    rules: { type: 'string' }, bundle: { type: 'string' }, version: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, profile: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError('validate needs one input file (or - for standard input)');
  if ((values.rules === undefined) === (values.bundle === undefined)) throw new UsageError('validate needs either --rules <rule-dir> or --bundle FILE.mjs');
  const format = values.format as string | undefined;
  if (format !== undefined && !['jsonl', 'csv', 'x12'].includes(format)) throw new UsageError(`unknown --format "${format}" (jsonl, csv or x12)`);

  let validator: Validator;
  let options: object = {};
  if (typeof values.rules === 'string') {
    const loaded = await load(values.rules, values.version as string | undefined, err);
    if (!loaded) return 2;
    // Only --rules needs the compiler: --bundle runs without loading it.
    const [{ compileBundle }, { loadBundle }] = await Promise.all([import('../compile.ts'), import('../examples.ts')]);
    const profile = typeof values.profile === 'string' ? await profileFor(loaded, values.profile, err) : null;
    if (profile === undefined) return 2;
    validator = await loadBundle(compileBundle(loaded, profile).js);
  } else {
    if (!existsSync(values.bundle as string)) throw new Error(`cannot load bundle ${String(values.bundle)}: no such file`);
    try {
      validator = (await import(pathToFileURL(resolve(values.bundle as string)).href)) as Validator;
    } catch (e) {
      throw new Error(`cannot load bundle ${String(values.bundle)}: ${(e as Error).message.split('\n')[0]}`);
    }
    if (typeof validator.validate !== 'function') throw new Error(`${String(values.bundle)} is not a codeguide bundle (no validate export)`);
    if (typeof values.profile === 'string') {
      // A plan profile given to a compiled bundle is checked against the choices the bundle declares.
      const meta = (validator.meta ?? {}) as ProfileMeta;
      if (typeof meta.profile === 'string') throw new Error(`${String(values.bundle)} was compiled with the plan profile "${meta.profile}"; compile it without --profile to choose one here`);
      const profile = await loadPlanProfile(values.profile, String(meta.guidance ?? ''), meta.choices ?? [], err);
      if (profile === null) return 2;
      options = { profile };
    }
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
  const run = validator.createValidator?.(options) ?? collecting(validator, options);
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
