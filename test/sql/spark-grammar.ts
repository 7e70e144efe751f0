/**
 * The Spark SQL grammar of dt-sql-parser, for checking generated Spark scripts.
 * The package's ES build imports folders and extension-less files, which
 * Node's loader refuses; a resolve hook scoped to the package adds `/index.js`
 * or `.js` as its bundler would.
 */
import { register } from 'node:module';

const HOOK = `
export async function resolve(specifier, context, next) {
  try { return await next(specifier, context); }
  catch (e) {
    if (!context.parentURL || !context.parentURL.includes('/dt-sql-parser/')) throw e;
    if (e.code === 'ERR_UNSUPPORTED_DIR_IMPORT') return next(specifier + '/index.js', context);
    if (e.code === 'ERR_MODULE_NOT_FOUND' && specifier.startsWith('.')) return next(specifier + '.js', context);
    throw e;
  }
}`;

let registered = false;

/** Syntax errors of a Spark SQL script (empty when it parses). */
export async function sparkSyntaxErrors(script: string): Promise<{ message: string; startLine: number; startColumn: number }[]> {
  if (!registered) {
    register(`data:text/javascript,${encodeURIComponent(HOOK)}`);
    registered = true;
  }
  const { SparkSQL } = (await import('dt-sql-parser')) as { SparkSQL: new () => { validate(sql: string): { message: string; startLine: number; startColumn: number }[] } };
  return new SparkSQL().validate(script);
}

/** The statements of a generated script (each ends with ";" at the end of a line; Spark literals never hold a raw newline). */
export function statements(script: string): string[] {
  return script.split(/;\n/).map((s) => s.trim()).filter((s) => s !== '' && !/^(--[^\n]*\n?)*$/.test(s));
}
