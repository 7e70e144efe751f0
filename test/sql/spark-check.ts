/**
 * Parse every statement of the Spark scripts of the rule sets, the results
 * view included, with dt-sql-parser's Spark SQL grammar (slow: minutes).
 *
 *   node --import tsx test/sql/spark-check.ts [rule-dir ...]
 */
import { compileSql } from '../../compiler/emit/sql/index.ts';
import { mustLoad } from '../helpers.ts';
import { sparkSyntaxErrors, statements } from './spark-grammar.ts';

const dirs = process.argv.slice(2).length ? process.argv.slice(2) : ['test/fixtures/mini/mini-guidance', 'test/fixtures/cpt/cpt-guidance', 'rules/dhcs-ecm-cs'];
let failed = 0;
for (const dir of dirs) {
  for (const s of statements(compileSql(mustLoad(dir), { dialect: 'spark' }))) {
    const t = performance.now();
    const errors = await sparkSyntaxErrors(s);
    console.log(`${dir}: ${s.split('\n').find((l) => !l.startsWith('--'))!.slice(0, 70)} … ${errors.length === 0 ? 'parses' : `${errors.length} errors: ${errors[0]!.message}`} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    if (errors.length) failed++;
  }
}
process.exit(failed ? 1 : 0);
