/**
 * Spark SQL: the generated scripts are checked with the Spark SQL grammar of
 * dt-sql-parser (they are not run on a Spark cluster here). The grammar's
 * parser takes minutes on the results view (one statement of deeply nested
 * expressions), so this suite parses every other statement of every script;
 * the view is parsed by `node --import tsx test/sql/spark-check.ts`.
 */
import { describe, expect, it } from 'vitest';
import { compileSql } from '../../compiler/emit/sql/index.ts';
import { DHCS, MINI, mustLoad } from '../helpers.ts';
import { sparkSyntaxErrors, statements } from './spark-grammar.ts';

describe('generated Spark SQL', () => {
  it.each([DHCS, MINI, 'test/fixtures/cpt/cpt-guidance'])('the reference data of %s parses', async (dir) => {
    const script = compileSql(mustLoad(dir), { dialect: 'spark' });
    const all = statements(script);
    const view = all.filter((s) => s.includes('TEMPORARY VIEW `codeguide_results`'));
    expect(view).toHaveLength(1);
    for (const s of all.filter((x) => !view.includes(x))) expect(await sparkSyntaxErrors(s), s.slice(0, 80)).toEqual([]);
  });

  it('the grammar finds errors (so that a clean parse means something)', async () => {
    const script = compileSql(mustLoad(MINI), { dialect: 'spark' });
    const first = statements(script).find((s) => s.includes('codeguide_editions'))!;
    expect((await sparkSyntaxErrors(first.replace('SELECT', 'SELEC'))).length).toBeGreaterThan(0);
    expect((await sparkSyntaxErrors(first.replace('VALUES', 'VALUES ('))).length).toBeGreaterThan(0);
  });
});
