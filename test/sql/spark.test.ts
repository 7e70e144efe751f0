/**
 * Spark SQL: every generated Spark script — of every rule folder that
 * compiles, and the DHCS script under each shipped plan profile and an as-of
 * date — parses, statement by statement, with the Spark SQL grammar of
 * dt-sql-parser (they are not run on a Spark cluster here). The script keeps
 * each statement small (each step of the results view a temporary view, a few
 * findings per view, values bound once through a lambda rather than repeated,
 * no parentheses around CASE): the grammar's parser takes minutes over one
 * statement of deeply nested expressions and well under a second per small one.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSql } from '../../compiler/emit/sql/index.ts';
import { choiceCatalog, loadProfile } from '../../compiler/profile/profile.ts';
import { DHCS, MINI, mustLoad } from '../helpers.ts';
import { compilingRuleFolders } from './folders.ts';
import { sparkSyntaxErrors, statements } from './spark-grammar.ts';

const dhcs = mustLoad(DHCS);
const PROFILES = join(DHCS, 'profiles');
const SCRIPTS = [
  ...compilingRuleFolders().map(({ dir, loaded }) => ({ name: dir, script: () => compileSql(loaded, { dialect: 'spark' }) })),
  ...readdirSync(PROFILES).filter((f) => f.endsWith('.yaml')).map((f) => ({
    name: `${DHCS} with ${f} as of 2024-02-01`,
    script: () => compileSql(dhcs, { dialect: 'spark', asOf: '2024-02-01', profile: loadProfile(join(PROFILES, f), choiceCatalog(dhcs.versions[0]!.guidance.id, dhcs.versions)).profile }),
  })),
];

describe('generated Spark SQL', () => {
  it.each(SCRIPTS)('every statement of $name parses, the results view included', async ({ script }) => {
    const all = statements(script());
    expect(all.filter((s) => s.includes('TEMPORARY VIEW `codeguide_results`'))).toHaveLength(1);
    for (const s of all) expect(await sparkSyntaxErrors(s), s.slice(0, 120)).toEqual([]);
  });

  it('the grammar finds errors (so that a clean parse means something)', async () => {
    const script = compileSql(mustLoad(MINI), { dialect: 'spark' });
    const first = statements(script).find((s) => s.includes('codeguide_editions'))!;
    expect((await sparkSyntaxErrors(first.replace('SELECT', 'SELEC'))).length).toBeGreaterThan(0);
    expect((await sparkSyntaxErrors(first.replace('VALUES', 'VALUES ('))).length).toBeGreaterThan(0);
  });
});
