/**
 * SQL engines for the tests: embedded DuckDB, and a throwaway PostgreSQL
 * cluster (Debian's `postgresql`: initdb into a temporary folder, started on a
 * private port and socket directory, stopped and removed at the end). When
 * `.ci/run` has started a server it names it in CODEGUIDE_PG_SOCKET_DIR and
 * CODEGUIDE_PG_PORT, and each test file uses its own database there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { appendRow, encounterTableDdl, openDuckDb, runScript } from '../../compiler/engines/duckdb.ts';
import { ENCOUNTER_COLUMNS, resultOfRow, type ColumnKind, type EncounterRow, type LineResultShape } from '../../compiler/engines/rows.ts';
import { formatDay } from '../../runtime/record.js';

/** A database holding one compiled script, that judges batches of rows. */
export interface SqlEngine {
  name: 'duckdb' | 'postgres';
  /** Replace the rows of encounter_lines and read codeguide_results in line order. */
  judge(rows: readonly EncounterRow[]): Promise<LineResultShape[]>;
  close(): Promise<void>;
}

/** A column of `encounter_lines` as the tests fill it. */
export type Column = { name: string; kind: ColumnKind };

/** A database with a table `encounter_lines` of some columns: scripts run in it, rows replace its rows. */
export interface SqlDatabase {
  name: 'duckdb' | 'postgres';
  /** Run a script of several statements. */
  run(script: string): Promise<void>;
  /** Replace the rows of encounter_lines (dates as day numbers). */
  fill(rows: readonly Record<string, unknown>[]): Promise<void>;
  /** The rows of a query. */
  rows(query: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

const TYPES = {
  duckdb: { index: 'BIGINT', text: 'VARCHAR', double: 'DOUBLE', date: 'DATE', list: 'VARCHAR[]' },
  postgres: { index: 'BIGINT', text: 'TEXT', double: 'DOUBLE PRECISION', date: 'DATE', list: 'TEXT[]' },
} as const;

function ddl(name: 'duckdb' | 'postgres', columns: readonly Column[]): string {
  return `CREATE TABLE encounter_lines (${columns.map((c) => `${c.name} ${TYPES[name][c.kind]}`).join(', ')})`;
}

export const POSTGRES_ENCOUNTER_TABLE = encounterTableDdl(TYPES.postgres);

/** An in-memory DuckDB database with `encounter_lines` of these columns. */
export async function duckdbDatabase(columns: readonly Column[] = ENCOUNTER_COLUMNS): Promise<SqlDatabase> {
  const { instance, connection } = await openDuckDb({ threads: 2 });
  await connection.run(ddl('duckdb', columns));
  return {
    name: 'duckdb',
    run: (script) => runScript(connection, script),
    async fill(rows) {
      await connection.run('DELETE FROM encounter_lines');
      const app = await connection.createAppender('encounter_lines');
      for (const row of rows) appendRow(app, row, columns);
      app.closeSync();
    },
    async rows(query) {
      return (await connection.runAndReadAll(query)).getRowObjectsJS() as Record<string, unknown>[];
    },
    async close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** A script over `encounter_lines` of §10's columns, judging batches of rows. */
export async function engineOf(db: SqlDatabase, script: string, attributes: readonly string[]): Promise<SqlEngine> {
  await db.run(script);
  return {
    name: db.name,
    async judge(rows) {
      await db.fill(rows);
      return (await db.rows('SELECT * FROM codeguide_results ORDER BY line_index')).map((r) => resultOfRow(r, attributes));
    },
    close: () => db.close(),
  };
}

export async function duckdbEngine(script: string, attributes: readonly string[]): Promise<SqlEngine> {
  return engineOf(await duckdbDatabase(), script, attributes);
}

function postgresBin(): string {
  const find = () => {
    const viaConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
    if (viaConfig.status === 0 && existsSync(join(viaConfig.stdout.trim(), 'initdb'))) return viaConfig.stdout.trim();
    const base = '/usr/lib/postgresql';
    if (!existsSync(base)) return null;
    const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
    return versions.length ? join(base, versions[0]!, 'bin') : null;
  };
  let bin = find();
  if (bin === null && process.getuid?.() === 0) {
    execFileSync('apt-get', ['update'], { stdio: 'ignore' });
    execFileSync('apt-get', ['install', '-y', 'postgresql'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    bin = find();
  }
  if (bin === null) throw new Error('PostgreSQL is not installed: install the Debian package "postgresql" (apt-get install -y postgresql)');
  return bin;
}

let shared: Promise<{ host: string; port: number; stop(): void }> | null = null;

let started: { stop(): void } | null = null;
// A cluster this process started never outlives it, even when a test file forgets to stop it.
process.once('exit', () => { started?.stop(); });

/** Stop the throwaway cluster this test file started (call from afterAll). */
export async function stopPostgres(): Promise<void> {
  if (shared === null) return;
  const server = await shared;
  shared = null;
  started = null;
  server.stop();
}

/** A PostgreSQL server for the tests: the one .ci/run started, or a throwaway cluster of our own. */
async function startServer(): Promise<{ host: string; port: number; stop(): void }> {
  if (process.env.CODEGUIDE_PG_SOCKET_DIR && process.env.CODEGUIDE_PG_PORT) {
    return { host: process.env.CODEGUIDE_PG_SOCKET_DIR, port: Number(process.env.CODEGUIDE_PG_PORT), stop() {} };
  }
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'codeguide-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] : [join(bin, cmd), args];
    const r = spawnSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const port = 20000 + Math.floor(Math.random() * 30000);
  run('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C']);
  run('pg_ctl', ['-D', join(dir, 'data'), '-o', `-p ${port} -k ${dir} -c listen_addresses=''`, '-l', join(dir, 'log'), '-w', 'start']);
  started = {
    stop() {
      try { run('pg_ctl', ['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop']); } finally { rmSync(dir, { recursive: true, force: true }); }
    },
  };
  return { host: dir, port, stop: started.stop };
}

function rowJson(r: Record<string, unknown>, columns: readonly Column[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const v = r[c.name] ?? null;
    out[c.name] = c.kind === 'date' && v !== null ? formatDay(v as number) : v;
  }
  return out;
}

/** A database of its own on the shared PostgreSQL server, with `encounter_lines` of these columns. */
export async function postgresDatabase(columns: readonly Column[] = ENCOUNTER_COLUMNS): Promise<SqlDatabase> {
  shared ??= startServer();
  const server = await shared;
  const admin = new pg.Client({ host: server.host, port: server.port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  const database = `codeguide_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  await admin.query(`CREATE DATABASE ${database}`);
  const client = new pg.Client({ host: server.host, port: server.port, user: 'postgres', database, options: process.env.PGJIT === 'on' ? undefined : '-c jit=off' });
  await client.connect();
  await client.query(ddl('postgres', columns));
  return {
    name: 'postgres',
    async run(script) { await client.query(script); },
    async fill(rows) {
      await client.query('TRUNCATE encounter_lines');
      for (let i = 0; i < rows.length; i += 20_000) {
        const batch = JSON.stringify(rows.slice(i, i + 20_000).map((r) => rowJson(r, columns)));
        await client.query('INSERT INTO encounter_lines SELECT * FROM json_populate_recordset(NULL::encounter_lines, $1::json)', [batch]);
      }
    },
    async rows(query) {
      return (await client.query(query)).rows as Record<string, unknown>[];
    },
    async close() {
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS ${database}`);
      await admin.end();
    },
  };
}

export async function postgresEngine(script: string, attributes: readonly string[]): Promise<SqlEngine> {
  return engineOf(await postgresDatabase(), script, attributes);
}
