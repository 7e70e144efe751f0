/**
 * The embedded DuckDB engine: the shipped sample (records a typed table can
 * carry, records it cannot, lines that are not JSON) gives the bundle's
 * results in order; a Parquet file of §6 columns gives the same.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDuckDb, readResults, resultAttributes, runScript, validateWithDuckDb, viewParquet, loadEncounterRows } from '../../compiler/engines/duckdb.ts';
import { encounterRow } from '../../compiler/engines/rows.ts';
import { compileSql } from '../../compiler/emit/sql/index.ts';
import { bundleOf, DHCS, mustLoad } from '../helpers.ts';

const SAMPLE = 'rules/dhcs-ecm-cs/sample/encounters.jsonl';

function sampleRecords(): unknown[] {
  const lines = readFileSync(SAMPLE, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => { try { return JSON.parse(l) as unknown; } catch { return l; } });
}

describe('validate with the DuckDB engine', () => {
  it('gives the bundle\'s results on the sample, one per record, in order', async () => {
    const records = sampleRecords();
    const want = (await bundleOf(DHCS)).validate(records);
    const got = [];
    for await (const r of validateWithDuckDb(mustLoad(DHCS), records, { threads: 2 })) got.push(r);
    expect(records.some((r) => encounterRow(r, 0) === null)).toBe(true); // some records only the runtime's check can judge
    expect(got).toEqual(want);
  }, 300_000);

  it('reads Parquet files with the §6 column names', async () => {
    const loaded = mustLoad(DHCS);
    const records = sampleRecords();
    const carried = records.flatMap((r, i) => { const row = encounterRow(r, i); return row ? [row] : []; });
    const dir = mkdtempSync(join(tmpdir(), 'codeguide-parquet-'));
    try {
      const file = join(dir, 'lines.parquet');
      const { instance, connection } = await openDuckDb({ threads: 2 });
      await loadEncounterRows(connection, carried);
      const camel = 'claim_id AS claimId, line_number AS lineNumber, member_id AS memberId, service_date AS serviceDate, service_date_end AS serviceDateEnd, procedure_code AS procedureCode, modifiers, units, minutes, amount, place_of_service AS placeOfService, staff_credential AS staffCredential';
      await connection.run(`COPY (SELECT ${camel} FROM encounter_lines ORDER BY line_index) TO '${file}' (FORMAT parquet)`);
      await connection.run('DROP TABLE encounter_lines');
      await viewParquet(connection, file);
      await runScript(connection, compileSql(loaded, { dialect: 'duckdb' }));
      const got = [];
      for await (const chunk of readResults(connection, resultAttributes(loaded))) got.push(...chunk);
      connection.closeSync();
      instance.closeSync();
      const want = (await bundleOf(DHCS)).validate(carried.map((row) => records[row.line_index]));
      expect(got).toEqual(want);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
