/**
 * Embedded DuckDB as an engine: the SQL script of a guidance run over input
 * records (JSON Lines and CSV read by Codeguide's readers, appended in bulk)
 * or over a Parquet file read by DuckDB itself. The command line loads this
 * module only for `validate --engine duckdb`. DuckDB spills to disk when
 * the data outgrows memory; results come back in input order, a chunk at a
 * time, as the bundle writes them.
 */
import { DuckDBConnection, DuckDBInstance, LIST, VARCHAR, dateValue, listValue, type DuckDBAppender } from '@duckdb/node-api';
import type { LoadResult } from '../compile.ts';
import { compileSql } from '../emit/sql/index.ts';
import { standardQuoter } from '../emit/sql/builder.ts';
import { asOfDay } from '../emit/sql/reference.ts';
import { planGuidance } from '../plan/plan.ts';
import type { ProfileObject } from '../profile/profile.ts';
import { ENCOUNTER_COLUMNS, encounterRow, type ColumnKind, invalidResult, judgingEdition, resultOfRow, type EncounterRow, type LineResultShape } from './rows.ts';

/** The DDL of `encounter_lines` (PRODUCT §10) in DuckDB. */
export const DUCKDB_ENCOUNTER_TABLE = encounterTableDdl({ index: 'BIGINT', text: 'VARCHAR', double: 'DOUBLE', date: 'DATE', list: 'VARCHAR[]' }, 'CREATE OR REPLACE TABLE');

/** `CREATE TABLE encounter_lines (…)` with the column types of an engine. */
export function encounterTableDdl(types: Record<ColumnKind, string>, create = 'CREATE TABLE'): string {
  return `${create} encounter_lines (${ENCOUNTER_COLUMNS.map((c) => `${c.name} ${types[c.kind]}`).join(', ')})`;
}

export interface DuckDbOptions {
  /** Where DuckDB spills when data outgrows memory (default: its own choice). */
  tempDirectory?: string;
  /** DuckDB's memory limit, e.g. "1GB". */
  memoryLimit?: string;
  /** Worker threads (default: DuckDB's choice). */
  threads?: number;
}

/** A fresh in-memory database and a connection to it. */
export async function openDuckDb(options: DuckDbOptions = {}): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  const config: Record<string, string> = {};
  if (options.tempDirectory) config.temp_directory = options.tempDirectory;
  if (options.memoryLimit) config.memory_limit = options.memoryLimit;
  if (options.threads) config.threads = String(options.threads);
  const instance = await DuckDBInstance.create(':memory:', config);
  return { instance, connection: await instance.connect() };
}

/** Append one row of the given columns (a missing value is null). */
export function appendRow(app: DuckDBAppender, row: Readonly<Record<string, unknown>>, columns: readonly { name: string; kind: ColumnKind }[] = ENCOUNTER_COLUMNS): void {
  for (const c of columns) {
    const v = row[c.name];
    if (v === null || v === undefined) { app.appendNull(); continue; }
    switch (c.kind) {
      case 'index': app.appendBigInt(BigInt(v as number)); break;
      case 'text': app.appendVarchar(v as string); break;
      case 'double': app.appendDouble(v as number); break;
      case 'date': app.appendDate(dateValue(v as number)); break;
      case 'list': app.appendList(listValue(v as (string | null)[]), LIST(VARCHAR)); break;
    }
  }
  app.endRow();
}

/** Create `encounter_lines` and append rows to it in bulk. */
export async function loadEncounterRows(connection: DuckDBConnection, rows: Iterable<EncounterRow> | AsyncIterable<EncounterRow>): Promise<number> {
  await connection.run(DUCKDB_ENCOUNTER_TABLE);
  return appendEncounterRows(connection, rows);
}

/** Append rows to an existing `encounter_lines` in bulk. */
export async function appendEncounterRows(connection: DuckDBConnection, rows: Iterable<EncounterRow> | AsyncIterable<EncounterRow>): Promise<number> {
  const app = await connection.createAppender('encounter_lines');
  let n = 0;
  for await (const row of rows) {
    appendRow(app, row);
    if (++n % 100_000 === 0) app.flushSync();
  }
  app.closeSync();
  return n;
}

/** Run a script of several statements. */
export async function runScript(connection: DuckDBConnection, script: string): Promise<void> {
  const extracted = await connection.extractStatements(script);
  for (let i = 0; i < extracted.count; i++) {
    const prepared = await extracted.prepare(i);
    await prepared.run();
  }
}

/** The rows of `codeguide_results` in input order, a chunk at a time, as the bundle's results. */
export async function* readResults(connection: DuckDBConnection, attributes: readonly string[]): AsyncGenerator<LineResultShape[]> {
  const result = await connection.stream('SELECT * FROM codeguide_results ORDER BY line_index');
  for await (const rows of result.yieldRowObjectJs()) yield rows.map((r) => resultOfRow(r as Record<string, unknown>, attributes));
}

/** The result attributes (in result order) of a loaded guidance. */
export function resultAttributes(loaded: Pick<LoadResult, 'versions'>): string[] {
  return [...new Set(loaded.versions.flatMap((rs) => [...rs.attributes.values()].filter((a) => a.result).map((a) => a.name)))];
}

/** What the DuckDB engine judges by: the edition as of a date, and a plan profile compiled into the script. */
export interface JudgeOptions extends DuckDbOptions {
  /** YYYY-MM-DD: judge by the newest edition published on or before it (default: the newest). */
  asOf?: string | null;
  /** A checked plan profile. */
  profile?: ProfileObject | null;
}

/** A run: records go in one at a time (appended in bulk), then the results come out in input order. */
export interface DuckDbRun {
  add(raw: unknown): void;
  /** Run the script; one result per record added, in input order. Closes the database at the end. */
  finish(): AsyncGenerator<LineResultShape>;
  /** Close the database without judging (a run not needed after all). */
  close(): void;
}

/**
 * Judge records inside DuckDB: each record the typed table can carry is appended; the others (always invalid)
 * are judged by the bundle's record check. Call `finish()` once every record is added.
 */
export async function startDuckDbRun(loaded: LoadResult, options: JudgeOptions = {}): Promise<DuckDbRun> {
  const plan = planGuidance(loaded.versions, loaded.sourceHash, options.profile ?? null);
  const edition = judgingEdition(plan, asOfDay(options.asOf));
  const attributes = resultAttributes(loaded);
  const script = compileSql(loaded, { dialect: 'duckdb', asOf: options.asOf ?? null, profile: options.profile ?? null });
  const uncarried = new Map<number, LineResultShape>();
  const { instance, connection } = await openDuckDb(options);
  await connection.run(DUCKDB_ENCOUNTER_TABLE);
  const app = await connection.createAppender('encounter_lines');
  let index = 0;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    connection.closeSync();
    instance.closeSync();
  };
  return {
    close,
    add(raw) {
      const row = encounterRow(raw, index);
      if (row) {
        appendRow(app, row);
        if ((index & 0x1ffff) === 0x1ffff) app.flushSync();
      } else {
        uncarried.set(index, invalidResult(raw, index, edition, attributes));
      }
      index++;
    },
    async *finish() {
      try {
        app.closeSync();
        await runScript(connection, script);
        let next = 0;
        const flushUntil = function* (limit: number): Generator<LineResultShape> {
          while (next < limit) { const r = uncarried.get(next); if (!r) return; uncarried.delete(next); next++; yield r; }
        };
        for await (const chunk of readResults(connection, attributes)) {
          for (const res of chunk) {
            yield* flushUntil(res.index);
            next = res.index + 1;
            yield res;
          }
        }
        yield* flushUntil(Infinity);
      } finally {
        close();
      }
    },
  };
}

/** Judge records inside DuckDB (see {@link startDuckDbRun}); one result per record, in input order. */
export async function* validateWithDuckDb(loaded: LoadResult, records: Iterable<unknown> | AsyncIterable<unknown>, options: JudgeOptions = {}): AsyncGenerator<LineResultShape> {
  const run = await startDuckDbRun(loaded, options);
  for await (const raw of records) run.add(raw);
  yield* run.finish();
}

/**
 * `encounter_lines` as a view over a Parquet file whose columns are the §6 names (camel case) or the §10 names
 * (snake case); `line_index` is the row's position in the file.
 */
export async function viewParquet(connection: DuckDBConnection, path: string): Promise<void> {
  const q = standardQuoter;
  const file = q.text(path).toString();
  const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${file})`);
  const have = new Set(described.getRowObjectsJS().map((r) => String(r.column_name)));
  const types: Record<string, string> = { index: 'BIGINT', text: 'VARCHAR', double: 'DOUBLE', date: 'DATE', list: 'VARCHAR[]' };
  const cols = ENCOUNTER_COLUMNS.filter((c) => c.name !== 'line_index').map((c) => {
    const camel = c.field?.name ?? c.name;
    const source = have.has(c.name) ? c.name : have.has(camel) ? camel : null;
    const value = source === null ? 'NULL' : q.ident(source).toString();
    return `CAST(${value} AS ${types[c.kind]}) AS ${c.name}`;
  });
  await connection.run(`CREATE OR REPLACE VIEW encounter_lines AS SELECT file_row_number AS line_index, ${cols.join(', ')} FROM read_parquet(${file}, file_row_number = true)`);
}

/** Judge a Parquet file inside DuckDB (DuckDB reads it: every row is carried). One result per row, in file order. */
export async function* validateParquetWithDuckDb(loaded: LoadResult, path: string, options: JudgeOptions = {}): AsyncGenerator<LineResultShape> {
  const { instance, connection } = await openDuckDb(options);
  try {
    await viewParquet(connection, path);
    await runScript(connection, compileSql(loaded, { dialect: 'duckdb', asOf: options.asOf ?? null, profile: options.profile ?? null }));
    for await (const chunk of readResults(connection, resultAttributes(loaded))) yield* chunk;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
