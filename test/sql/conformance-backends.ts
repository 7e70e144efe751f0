/**
 * The SQL back end as conformance back ends (test/conformance/backends.ts):
 * expression probes and whole inputs through the SQL script in DuckDB and in
 * PostgreSQL. All the probes of a case file go in one query: each probe's
 * lines are one `probe_batch` of `encounter_lines`, cross-line aggregates look
 * only within a batch, and the view `codeguide_probes` gives each probe's
 * value on the first line of its batch.
 */
import type { LoadResult } from '../../compiler/compile.ts';
import { resultAttributes, validateWithDuckDb } from '../../compiler/engines/duckdb.ts';
import { ENCOUNTER_COLUMNS, encounterRow, invalidResult, judgingEdition, resultOfRow, type LineResultShape } from '../../compiler/engines/rows.ts';
import { compileProbeSql, compileSql } from '../../compiler/emit/sql/index.ts';
import type { LineResult } from '../../compiler/interpret.ts';
import type { IR, RuleSet, Value } from '../../compiler/model.ts';
import { planGuidance } from '../../compiler/plan/plan.ts';
import { externalValue, type Probe, type ProbeOutcome } from '../../compiler/probe.ts';
import { makeScope, resolveExpr } from '../../compiler/resolve.ts';
import { duckdbDatabase, postgresDatabase, stopPostgres, type Column, type SqlDatabase } from './engines.ts';

const PROBES_PER_QUERY = 400;
const UNCLASSIFIED = { error: 'probe-line', message: 'the probed line is not a classified line of the rule set' };
const PROBE_COLUMNS: readonly Column[] = [...ENCOUNTER_COLUMNS, { name: 'probe_batch', kind: 'index' }];

/** A value as the engine's client library gives it, as the bundle holds it (numbers for doubles, lists as arrays). */
function fromSql(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(fromSql);
  if (typeof v === 'object' && 'items' in (v as object)) return ((v as { items: unknown[] }).items).map(fromSql);
  return v as Value;
}

/** A SQL engine as a conformance back end. */
export interface SqlBackend {
  name: string;
  probe(rs: RuleSet, probes: readonly Probe[]): Promise<ProbeOutcome[]>;
  judge(loaded: LoadResult, lines: readonly unknown[]): Promise<LineResult[]>;
  close(): Promise<void>;
}

export function sqlBackend(engine: 'duckdb' | 'postgres'): SqlBackend {
  const open = (columns: readonly Column[] = ENCOUNTER_COLUMNS) => (engine === 'duckdb' ? duckdbDatabase(columns) : postgresDatabase(columns));
  let probeDb: Promise<SqlDatabase> | null = null;
  let judgeDb: Promise<SqlDatabase> | null = null;

  /** One query's probes: every probe's lines a batch of encounter_lines. */
  async function probeChunk(rs: RuleSet, probes: readonly Probe[]): Promise<ProbeOutcome[]> {
    const scope = makeScope(rs);
    const place = rs.rules[0]!.place;
    const resolved = probes.map((p): { ir: IR } | { error: string; message: string } => {
      const r = resolveExpr(scope, { text: p.expression, place }, 'any', 'rule');
      const d = r.diagnostics[0];
      return r.expr ? { ir: r.expr.ir } : { error: d?.code ?? 'expr-syntax', message: d?.message ?? 'the expression does not compile' };
    });
    const irs: IR[] = [];
    const rows: Record<string, unknown>[] = [];
    const first: (number | null)[] = [];
    resolved.forEach((r, i) => {
      if (!('ir' in r)) return;
      const batch = irs.push(r.ir) - 1;
      const p = probes[i]!;
      [p.line, ...(p.others ?? [])].forEach((line, j) => {
        const row = encounterRow(line, rows.length);
        if (j === 0) first[batch] = row === null ? null : rows.length;
        if (row !== null) rows.push({ ...row, probe_batch: batch });
      });
    });
    if (irs.length === 0) return resolved as ProbeOutcome[];
    probeDb ??= open(PROBE_COLUMNS);
    const db = await probeDb;
    await db.run(compileProbeSql(rs, irs, engine));
    await db.fill(rows);
    const byIndex = new Map((await db.rows('SELECT * FROM codeguide_probes')).map((r) => [Number(r.line_index), r]));
    let k = 0;
    return resolved.map((r) => {
      if (!('ir' in r)) return r;
      const batch = k++;
      const at = first[batch];
      const row = at === null || at === undefined ? undefined : byIndex.get(at);
      if (row === undefined || !row.classified) return UNCLASSIFIED;
      return { value: externalValue(fromSql(row[`p_${batch}`]), r.ir.type) };
    });
  }

  async function judge(loaded: LoadResult, lines: readonly unknown[]): Promise<LineResult[]> {
    if (engine === 'duckdb') {
      const out: LineResultShape[] = [];
      for await (const r of validateWithDuckDb(loaded, lines, { threads: 1 })) out.push(r);
      return out as unknown as LineResult[];
    }
    const attributes = resultAttributes(loaded);
    const edition = judgingEdition(planGuidance(loaded.versions, loaded.sourceHash), null);
    judgeDb ??= open();
    const db = await judgeDb;
    await db.run(compileSql(loaded, { dialect: engine }));
    const rows = lines.map((l, i) => encounterRow(l, i));
    await db.fill(rows.filter((r) => r !== null));
    const judged = new Map((await db.rows('SELECT * FROM codeguide_results')).map((r) => [Number(r.line_index), resultOfRow(r, attributes)]));
    return lines.map((l, i) => (judged.get(i) ?? invalidResult(l, i, edition, attributes)) as unknown as LineResult);
  }

  return {
    name: `sql (${engine})`,
    async probe(rs, probes) {
      // PostgreSQL takes at most 1664 columns in a select: a few hundred probes per query.
      const out: ProbeOutcome[] = [];
      for (let i = 0; i < probes.length; i += PROBES_PER_QUERY) out.push(...await probeChunk(rs, probes.slice(i, i + PROBES_PER_QUERY)));
      return out;
    },
    judge,
    async close() {
      for (const db of [probeDb, judgeDb]) if (db) await (await db).close();
      probeDb = judgeDb = null;
      if (engine === 'postgres') await stopPostgres();
    },
  };
}
