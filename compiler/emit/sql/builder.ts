/**
 * The escaping SQL builder. A generated script is assembled only from `Sql`
 * values: the tagged template `sql` splices `Sql` fragments as they are and
 * refuses anything else, so text from a rule file reaches a script only
 * through {@link SqlQuoter.text} (a string literal of the dialect) or
 * {@link SqlQuoter.ident} (a quoted identifier), never as SQL.
 */

/** A fragment of SQL. Only this module creates one. */
export class Sql {
  readonly #text: string;
  private constructor(text: string) {
    this.#text = text;
  }
  /** @internal the builder functions below and the dialects' quoting */
  static trusted(text: string): Sql {
    return new Sql(text);
  }
  toString(): string {
    return this.#text;
  }
}

/** Tagged template: only `Sql` fragments (or arrays of them, joined with nothing) may be spliced. */
export function sql(strings: TemplateStringsArray, ...values: (Sql | readonly Sql[])[]): Sql {
  let out = strings[0]!;
  values.forEach((v, i) => {
    if (v instanceof Sql) out += v.toString();
    else if (Array.isArray(v) && v.every((x) => x instanceof Sql)) out += v.join('');
    else throw new Error(`sql: refusing to splice a non-SQL value ${JSON.stringify(v)}`);
    out += strings[i + 1]!;
  });
  return Sql.trusted(out);
}

/** Join fragments with a separator written by the compiler. */
export function joinSql(parts: readonly Sql[], separator: ', ' | ',\n' | ',\n  ' | ',\n    ' | ' AND ' | ' OR ' | ' || ' | '\n' | '\n\n' | ' '): Sql {
  return Sql.trusted(parts.map(String).join(separator));
}

/** Indent every line of a fragment by `levels` × two spaces. */
export function indentSql(s: Sql, levels = 1): Sql {
  const pad = '  '.repeat(levels);
  return Sql.trusted(s.toString().split('\n').map((l) => (l === '' ? l : pad + l)).join('\n'));
}

/** A whole number the compiler computed (an index, a day number): printed as digits, never text. */
export function int(n: number): Sql {
  if (!Number.isSafeInteger(n)) throw new Error(`sql: not a whole number: ${n}`);
  return Sql.trusted(String(n));
}

/** A keyword or name the compiler itself chose: letters, digits and `_` only. */
export function word(w: string): Sql {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(w)) throw new Error(`sql: not a plain word: ${JSON.stringify(w)}`);
  return Sql.trusted(w);
}

/** A `--` comment; the text is flattened to one line and cannot end the comment early. */
export function commentSql(text: string): Sql {
  return Sql.trusted(`-- ${text.replace(/[\r\n\u2028\u2029\u0085\u000b\u000c]+/g, ' ')}`);
}

/** How a dialect quotes what comes from rule files. */
export interface SqlQuoter {
  /** A string literal holding `s` exactly. */
  text(s: string): Sql;
  /** A quoted identifier holding `s` exactly. */
  ident(s: string): Sql;
}

/** Standard SQL quoting: `'...'` with `''`, `"..."` with `""` (DuckDB, PostgreSQL). NUL cannot be stored in text. */
export const standardQuoter: SqlQuoter = {
  text: (s) => Sql.trusted(`'${noNul(s).replace(/'/g, "''")}'`),
  ident: (s) => Sql.trusted(`"${noNul(s).replace(/"/g, '""')}"`),
};

/** Spark SQL quoting: string literals take backslash escapes, identifiers are back-quoted with ``` `` ```. */
export const sparkQuoter: SqlQuoter = {
  text: (s) => Sql.trusted(`'${noNul(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\r/g, '\\r').replace(/\n/g, '\\n')}'`),
  ident: (s) => Sql.trusted(`\`${noNul(s).replace(/`/g, '``')}\``),
};

function noNul(s: string): string {
  if (s.includes('\u0000')) throw new Error('sql: text holds a NUL character, which SQL text cannot hold');
  return s;
}
