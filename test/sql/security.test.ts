/**
 * No text from a rule file can run as SQL: hostile strings in every free-text
 * place of a rule set come out of DuckDB and PostgreSQL as the same strings,
 * and a table the script never names is still there afterwards.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resultAttributes } from '../../compiler/engines/duckdb.ts';
import { encounterRow } from '../../compiler/engines/rows.ts';
import { compileSql } from '../../compiler/emit/sql/index.ts';
import { line, MINI, mustLoad } from '../helpers.ts';
import { duckdbEngine, postgresEngine, stopPostgres } from './engines.ts';

const HOSTILE = [
  "'); DROP TABLE encounter_lines; --",
  '"; DROP TABLE encounter_lines; --',
  "x' || (SELECT 1) || 'y",
  '*/ DROP TABLE encounter_lines; /*',
  '$$; DROP TABLE encounter_lines; $$',
  '`; DROP TABLE encounter_lines; `',
  "back\\slash \\' quote",
  'line\u2028separator\nnew line; DROP TABLE encounter_lines',
];

const root = 'test/fixtures/.work-security-sql';

describe('hostile text in rule files stays data in SQL', () => {
  afterAll(async () => { rmSync(root, { recursive: true, force: true }); await stopPostgres(); }, 60_000);

  it.each(HOSTILE.map((h, i) => [i, h] as const))('case %i: %j', async (i, hostile) => {
    const target = join(root, `case${i}`, 'mini-guidance');
    rmSync(join(root, `case${i}`), { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    cpSync(MINI, target, { recursive: true });
    const edit = (file: string, find: string, replace: string) => {
      const p = join(target, '1.0', file);
      const text = readFileSync(p, 'utf8');
      expect(text.includes(find)).toBe(true);
      writeFileSync(p, text.split(find).join(replace));
    };
    const h = JSON.stringify(hostile);
    edit('catalogue.yaml', 'service: Deposits', `service: ${h}`);
    edit('catalogue.yaml', 'cite: "Mini 1.0, Table 3"', `cite: ${h}`);
    const literalText = hostile.replace(/[{}]/g, (c) => c + c);
    edit('rules.yaml', 'message: "{combination} needs an amount"', `message: ${JSON.stringify(`${literalText} {service} {staffCredential}`)}`);
    edit('guidance.yaml', 'items: [CHW, MA]', `items: [CHW, MA, ${JSON.stringify(hostile.toUpperCase())}]`);
    const loaded = mustLoad(target);
    const record = line({ procedureCode: 'H0044', modifiers: ['U6'], staffCredential: hostile });
    for (const [dialect, start] of [['duckdb', duckdbEngine], ['postgres', postgresEngine]] as const) {
      const engine = await start(compileSql(loaded, { dialect }), resultAttributes(loaded));
      try {
        const [res] = await engine.judge([encounterRow(record, 0)!]);
        expect(res!.service, dialect).toBe(hostile);
        expect(res!.findings.map((f) => f.message), dialect).toEqual([`${hostile} ${hostile} ${hostile.trim().toUpperCase()}`]);
        // The table is still there: judging again works.
        expect((await engine.judge([encounterRow(record, 0)!]))[0]!.service).toBe(hostile);
      } finally {
        await engine.close();
      }
    }
  }, 300_000);
});
