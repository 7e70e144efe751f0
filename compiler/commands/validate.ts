/**
 * `codeguide validate`: judge an encounter file (JSON Lines, CSV or X12 837)
 * with a bundle or rule files; one result per input record, in order, to
 * --out or standard output (JSON Lines or CSV); a summary on stderr; an
 * optional HTML run report.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LineResult } from '../interpret.ts';
import { isFault, isProblem, placeholderFor, type ReadItem, type RecordItem } from '../io/items.ts';
import { fileTarget, isRegularDestination, ResultWriter, sameFile, streamTarget, WriteError, type OutputFormat } from '../io/output.ts';
import { createProgress, PROGRESS_MIN_BYTES, type Progress } from '../io/progress.ts';
import { detectFormat, INPUT_FORMATS, openInput, readItemBatches, replayable, type InputFormat, type OpenInput } from '../io/source.ts';
import { Judge, NotGrouped, separable, SHARD_MIN_BYTES, shardCount, type Validator, type Side } from '../io/judge.ts';
import type { DuckDbJudge } from './validate-duckdb.ts';
import { monthOf, RunStats, summaryText } from '../report/stats.ts';
import { args, load, loadPlanProfile, profileFor, UsageError, type CommandSpec, type Out } from './shared.ts';
import type { ChoiceCatalog } from '../profile/profile.ts';

/** validate's options, usage and examples: the help text is made from them and the arguments are parsed against them. */
export const validateSpec: CommandSpec = {
  name: 'validate',
  usage: 'codeguide validate (--rules <rule-dir> [--version V] [--engine js|duckdb] | --bundle FILE.mjs) [--profile FILE] [--as-of DATE] [--format jsonl|csv|x12|parquet] [--out FILE] [--out-format jsonl|csv] [--report FILE.html] <input-file | ->',
  description: 'Judges every record of an encounter file (JSON Lines, CSV, or X12 837P/837I) and writes one result per record, in input order, to --out (replaced only when complete) or standard output; counts by status and finding category go to standard error. Exit 0: every line accepted or out of scope; 1: some line rejected or invalid, or an 837 envelope fault; 2: could not run (bad arguments, unreadable input, unwritable output).',
  options: {
    bundle: { type: 'string', value: 'FILE.mjs', description: 'judge with a compiled bundle (fast start: the compiler is not loaded)' },
    rules: { type: 'string', value: '<rule-dir>', description: 'judge with rule files, compiled on the fly' },
    version: { type: 'string', value: 'V', description: 'with --rules: only this edition' },
    format: { type: 'string', value: 'jsonl|csv|x12', description: 'the input format (default: detected from the content)' },
    out: { type: 'string', value: 'FILE', description: 'write the results here instead of standard output' },
    'out-format': { type: 'string', value: 'jsonl|csv', description: 'results as JSON Lines (default) or CSV' },
    report: { type: 'string', value: 'FILE.html', description: 'also write a self-contained HTML run report' },
    'as-of': { type: 'string', value: 'YYYY-MM-DD', description: 'judge by the edition known on this date: the newest published on or before it (default: the newest)' },
    profile: { type: 'string', value: 'FILE', description: 'a plan profile (YAML) selecting among the choices the rules declare; with --bundle, for a bundle compiled without one' },
    engine: { type: 'string', value: 'js|duckdb', description: 'with --rules: judge in this process (js, default) or inside embedded DuckDB (the SQL script; for files larger than memory; reads Parquet too)' },
    shards: { type: 'string', value: 'auto|N', description: 'judge a large input in N shards of members, held in temporary files, so memory holds one shard (auto: an input whose results go to --out is judged as it streams while each member\'s lines come one after another, as in a file sorted by member; else no shards below 24 MB, then one per 1.5 MB; 0: all in memory)' },
  },
  examples: [
    'codeguide validate --bundle dist/dhcs-ecm-cs.mjs --out results.jsonl encounters.jsonl',
    'codeguide validate --rules rules/dhcs-ecm-cs --report run.html claims-837p.x12 > results.jsonl',
    'codeguide validate --bundle dist/dhcs-ecm-cs.mjs --out-format csv --out results.csv lines.csv',
    'codeguide validate --bundle dist/dhcs-ecm-cs.mjs --as-of 2023-12-31 encounters.jsonl',
    'codeguide validate --rules rules/dhcs-ecm-cs --engine duckdb --out results.jsonl encounters.parquet',
  ],
};



export async function validateCommand(rest: string[], out: Out, err: Out): Promise<number> {
  const started = performance.now();
  const { values, positionals } = args(rest, validateSpec.options);
  if (positionals.length !== 1) throw new UsageError('validate needs one input file (or - for standard input)');
  if ((values.rules === undefined) === (values.bundle === undefined)) throw new UsageError('validate needs either --rules <rule-dir> or --bundle FILE.mjs');
  const engine = values.engine ?? 'js';
  if (engine !== 'js' && engine !== 'duckdb') throw new UsageError(`unknown --engine "${String(engine)}" (js or duckdb)`);
  if (engine === 'duckdb' && values.rules === undefined) throw new UsageError('--engine duckdb runs the rule files\' SQL script: give --rules <rule-dir> instead of --bundle');
  const format = values.format as InputFormat | 'parquet' | undefined;
  if (format === 'parquet' && engine !== 'duckdb') throw new UsageError('--format parquet needs --engine duckdb');
  if (format !== undefined && format !== 'parquet' && !INPUT_FORMATS.includes(format)) throw new UsageError(`unknown --format "${format}" (jsonl, csv, x12, or parquet with --engine duckdb)`);
  const outFormat = (values['out-format'] ?? 'jsonl') as OutputFormat;
  if (outFormat !== 'jsonl' && outFormat !== 'csv') throw new UsageError(`unknown --out-format "${outFormat}" (jsonl or csv)`);
  try { shardCount(values.shards, 0); } catch (e) { throw new UsageError((e as Error).message); }
  const asOf = values['as-of'];
  if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(asOf))) throw new UsageError(`--as-of needs a date written YYYY-MM-DD, not "${String(asOf)}"`);
  const options: { asOf?: string; profile?: object } = asOf === undefined ? {} : { asOf: String(asOf) };
  const inputPath = positionals[0]!;
  const outPath = typeof values.out === 'string' ? values.out : null;
  const reportPath = typeof values.report === 'string' ? values.report : null;
  for (const [option, path] of [['--out', outPath], ['--report', reportPath]] as const) {
    if (path !== null && sameFile(inputPath, path)) throw new UsageError(`${option} ${path} is the input file; results would overwrite the input — choose another file`);
  }
  if (outPath !== null && reportPath !== null && resolve(outPath) === resolve(reportPath)) throw new UsageError('--out and --report name the same file');

  const duckdb = engine === 'duckdb' ? await import('./validate-duckdb.ts') : null;
  // The DuckDB validator is driven by its own judge (DuckDbJudge); the report reads only its meta.
  const loadedValidator = (duckdb ? await duckdb.duckDbValidator(values, err) : await loadValidator(values, err)) as { validator: Validator; profile: object | null } | null;
  if (loadedValidator === null) return 2;
  const { validator, profile } = loadedValidator;
  if (profile !== null) options.profile = profile;
  let input = await openInput(inputPath);
  // Parquet (--engine duckdb) is read by DuckDB itself: nothing goes through the readers.
  const parquet = duckdb !== null && (format === 'parquet' || (format === undefined && input.head.startsWith('PAR1')));
  const detected = parquet ? 'jsonl' : (format as InputFormat | undefined) ?? detectFormat(input.head);

  const newWriter = (): ResultWriter => new ResultWriter(outPath === null ? streamTarget(out) : fileTarget(outPath), outFormat, detected === 'x12');
  let writer = newWriter();
  const stop = onInterrupt(() => writer, outPath, err);
  // An input whose results go to a file is first judged as it streams (Judge): when it is not grouped by
  // member after all, what was written is dropped and the input is read again, to be judged in memory or in shards.
  let stream = duckdb === null && separable(validator) && (values.shards === undefined || values.shards === 'auto') && outPath !== null && isRegularDestination(outPath);
  // An input that cannot be opened again is copied as it is read, to be read again from the copy.
  const copy = stream && !input.regular ? replayable(input) : null;
  if (copy !== null) input = copy.input;
  let resultsWritten = false;
  try {
    let stats: RunStats;
    const show = (process.stderr as { isTTY?: boolean }).isTTY === true && err === process.stderr && input.size >= PROGRESS_MIN_BYTES;
    const progress = createProgress(err, input.size, show);
    for (;;) {
      stats = new RunStats(reportPath !== null);
      // Records go to the judge as they are read (a problem as a placeholder, so that its result keeps its place).
      const judge = duckdb ? new duckdb.DuckDbJudge(validator as never, parquet ? inputPath : null) : new Judge(validator, options, shardCount(values.shards, input.size), { stats, format: writer.format }, SHARD_MIN_BYTES, stream ? writer : undefined);
      try {
        await judgeAll(judge, parquet ? null : readItemBatches(detected, input.chunks, inputPath), stats, reportPath !== null, input, writer, progress);
        break;
      } catch (e) {
        if (!(e instanceof NotGrouped)) throw e;
        input.close();
        writer.abort();
        writer = newWriter();
        input = copy !== null ? copy.again() : await openInput(inputPath);
        stream = false;
      } finally {
        judge.dispose();
      }
    }
    await writer.close();
    resultsWritten = true;
    progress.clear();
    if (reportPath !== null) await writeReport(reportPath, stats, validator, { input: inputPath, format: detected, outPath, seconds: (performance.now() - started) / 1000 });
    err.write(summaryText(stats, outPath));
    return stats.failed > 0 || stats.faults.length > 0 ? 1 : 0;
  } catch (e) {
    writer.abort();
    if (e instanceof WriteError) {
      err.write(`codeguide: ${e.message}${outPath !== null && !resultsWritten ? `; ${outPath} was left as it was` : ''}\n`);
      return 2;
    }
    throw e;
  } finally {
    input.close();
    copy?.remove();
    stop();
  }
}

/** Read every record into the judge, then have it write the results (in input order) and count them. */
async function judgeAll(judge: Judge | DuckDbJudge, batches: AsyncIterable<ReadItem[]> | null, stats: RunStats, wantMonth: boolean, input: OpenInput, writer: ResultWriter, progress: Progress): Promise<void> {
  for await (const batch of batches ?? []) {
    for (let k = 0; k < batch.length; k++) {
      const item = batch[k]!;
      if (isFault(item)) { stats.faults.push(item.fault); continue; }
      let side: Side | null = null;
      let record: unknown;
      if (isProblem(item)) {
        record = placeholderFor(item);
        side = { problem: item.problem };
        if (item.origin) side.origin = item.origin;
      } else {
        record = item.record;
        if (item.origin !== undefined) side = { origin: item.origin };
        if (wantMonth) (side ??= {}).month = monthOf(item.record);
      }
      const full = judge.add(record, side, input.bytesRead(), (item as RecordItem).text);
      if (full !== undefined) await full;
    }
    progress.update('reading', judge.count, input.bytesRead());
  }
  progress.update('validating', judge.count, input.bytesRead());
  const writing = (written: number): void => progress.update('writing', written, input.bytesRead());
  if (judge instanceof Judge) return judge.write(writer, writing);
  let written = 0;
  for await (const [r, month] of judge.results()) {
    stats.add(r, month);
    if (!writer.gone) {
      const full = writer.write(r);
      if (full !== undefined) await full;
    }
    if ((++written & 0xfff) === 0) writing(written);
  }
}

/**
 * The validator, and the plan profile to give it: with --rules a profile is compiled in; with --bundle it is
 * checked against the choices the bundle declares and passed as options.profile. Null (reported) on errors.
 */
async function loadValidator(values: Record<string, string | boolean | undefined>, err: Out): Promise<{ validator: Validator; profile: object | null } | null> {
  if (typeof values.rules === 'string') {
    const loaded = await load(values.rules, values.version as string | undefined, err);
    if (!loaded) return null;
    const profile = typeof values.profile === 'string' ? await profileFor(loaded, values.profile, err) : null;
    if (profile === undefined) return null;
    // Only --rules needs the compiler: --bundle runs without loading it.
    const [{ compileBundle }, { loadBundle }] = await Promise.all([import('../compile.ts'), import('../examples.ts')]);
    return { validator: (await loadBundle(compileBundle(loaded, profile).js)) as unknown as Validator, profile: null };
  }
  const path = values.bundle as string;
  if (!existsSync(path)) throw new Error(`cannot load bundle ${path}: no such file`);
  let validator: Validator;
  try {
    validator = (await import(pathToFileURL(resolve(path)).href)) as Validator;
  } catch (e) {
    throw new Error(`cannot load bundle ${path}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (typeof validator.validate !== 'function') throw new Error(`${path} is not a codeguide bundle (no validate export)`);
  if (typeof values.profile !== 'string') return { validator, profile: null };
  // A plan profile given to a compiled bundle is checked against the choices the bundle declares.
  const meta = (validator.meta ?? {}) as ProfileMeta;
  if (typeof meta.profile === 'string') throw new Error(`${path} was compiled with the plan profile "${meta.profile}"; compile it without --profile to choose one here`);
  const profile = await loadPlanProfile(values.profile, String(meta.guidance ?? ''), meta.choices ?? [], err);
  return profile === null ? null : { validator, profile };
}

/** What validate reads of a bundle's meta when it is given a plan profile. */
type ProfileMeta = { guidance?: string; choices?: ChoiceCatalog['choices']; profile?: string | null };

async function writeReport(path: string, stats: RunStats, validator: Validator, run: { input: string; format: string; outPath: string | null; seconds: number }): Promise<void> {
  const { renderReport } = await import('../report/html.ts');
  const meta = validator.meta ?? {};
  const html = renderReport(stats, { ...run, guidance: meta.guidance ?? '', title: meta.title ?? '', versions: meta.versions ?? [] });
  const target = fileTarget(path);
  try {
    await target.write(html);
    await target.close();
  } catch (e) {
    target.abort();
    throw e;
  }
}

/** While results are written to a file, Ctrl-C or a kill removes the unfinished file, says the old one is intact, and ends the process. */
function onInterrupt(writer: () => ResultWriter, outPath: string | null, err: Out): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    writer().abort();
    err.write(`\ncodeguide: interrupted (${signal}); ${outPath === null ? 'results are incomplete' : `${outPath} was left as it was`}\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
