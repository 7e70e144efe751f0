/**
 * `codeguide validate --engine duckdb`: the validator `validate` drives, made
 * of the rule files' SQL script run inside embedded DuckDB
 * (compiler/engines/duckdb.ts). Loaded only for this engine, so the DuckDB
 * library is never loaded otherwise. Results, summary and exit codes are the
 * JavaScript engine's: `validate` writes them the same way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LineResult } from '../interpret.ts';
import { problemResult } from '../io/items.ts';
import type { Side } from '../io/judge.ts';
import type { OutputResult } from '../io/output.ts';
import { load, profileFor, type Out } from './shared.ts';

/** A validator as `validate` drives it, plus Parquet files read by DuckDB. */
export interface DuckDbValidator {
  meta: { guidance: string; title: string; versions: string[] };
  validate(): never;
  createValidator(): { add(line: unknown): void; finish(): AsyncIterable<LineResult> };
  parquet(path: string): AsyncIterable<LineResult>;
}

/** The DuckDB validator of `--rules` (with `--version`, `--profile`, `--as-of`); null (reported) when the rules or the profile have errors. */
export async function duckDbValidator(values: Record<string, string | boolean | undefined>, err: Out): Promise<{ validator: DuckDbValidator; profile: null } | null> {
  const loaded = await load(values.rules as string, values.version as string | undefined, err);
  if (!loaded) return null;
  const profile = typeof values.profile === 'string' ? await profileFor(loaded, values.profile, err) : null;
  if (profile === undefined) return null;
  const engine = await import('../engines/duckdb.ts');
  // DuckDB spills to disk here when the lines outgrow memory; removed when the run ends.
  const spill = mkdtempSync(join(tmpdir(), 'codeguide-duckdb-'));
  const options = { asOf: (values['as-of'] as string | undefined) ?? null, profile, tempDirectory: spill };
  const cleanUp = () => rmSync(spill, { recursive: true, force: true });
  process.once('exit', cleanUp);
  const run = await engine.startDuckDbRun(loaded, options);
  const latest = loaded.versions[loaded.versions.length - 1]!.guidance;
  async function* finished<T>(results: AsyncIterable<T>): AsyncGenerator<T> {
    try {
      yield* results;
    } finally {
      cleanUp();
    }
  }
  return {
    profile: null,
    validator: {
      meta: { guidance: latest.id, title: latest.title, versions: loaded.versions.map((rs) => rs.guidance.version) },
      validate: () => { throw new Error('the DuckDB engine judges a file at a time (createValidator)'); },
      createValidator: () => ({ add: (line) => run.add(line), finish: () => finished(run.finish() as AsyncIterable<LineResult>) }),
      parquet(path) {
        run.close();
        return finished(engine.validateParquetWithDuckDb(loaded, path, options) as AsyncIterable<LineResult>);
      },
    },
  };
}

/**
 * What `validate` drives with the DuckDB engine in place of its in-memory or sharded judge: records go to
 * DuckDB as they are read (DuckDB itself spills to disk), or a Parquet file is read by DuckDB; the results
 * come back in input order, each with what the reader knew of its record.
 */
export class DuckDbJudge {
  /** Records added so far. */
  count = 0;
  private readonly sides = new Map<number, Side>();
  private readonly run: ReturnType<DuckDbValidator['createValidator']>;

  constructor(private readonly validator: DuckDbValidator, private readonly parquetPath: string | null) {
    this.run = validator.createValidator();
  }

  add(record: unknown, side: Side | null, _bytesRead: number): void {
    const index = this.count++;
    this.run.add(record);
    if (side !== null) this.sides.set(index, side);
  }

  /** Every result, in input order, with its month of service. */
  async *results(): AsyncGenerator<[OutputResult, string | null]> {
    const results = this.parquetPath === null ? this.run.finish() : this.validator.parquet(this.parquetPath);
    for await (const result of results) {
      const side = this.sides.get(result.index);
      let r: OutputResult = result;
      if (side !== undefined) {
        this.sides.delete(result.index);
        if (side.problem !== undefined) r = problemResult(r, side.problem);
        if (side.origin !== undefined) r = { ...r, origin: side.origin };
      }
      yield [r, side?.month ?? null];
    }
  }

  /** Nothing to remove: the run's spill folder goes when its results are read (or when the process ends). */
  dispose(): void {}
}
