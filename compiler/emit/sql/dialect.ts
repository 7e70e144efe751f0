/**
 * The three SQL dialects the SQL printer writes: DuckDB, PostgreSQL and Spark
 * SQL. A dialect says how to quote, how to write the few constructs the three
 * spell differently (lists, dates, regular expressions, findings), and how to
 * print a number exactly as JavaScript does, so messages read the same as the
 * bundle's. Every function takes and returns {@link Sql}; nothing here sees
 * rule-file text except through the quoter.
 */
import { Sql, joinSql, sql, sparkQuoter, standardQuoter, type SqlQuoter } from './builder.ts';

export type DialectName = 'duckdb' | 'postgres' | 'spark';
export const DIALECTS: readonly DialectName[] = ['duckdb', 'postgres', 'spark'];

/** A finding's five fields, as SQL expressions. */
export interface FindingSql { rule: Sql; category: Sql; severity: Sql; message: Sql; cite: Sql }

/** What the script printer asks of a dialect. */
export interface Dialect {
  name: DialectName;
  q: SqlQuoter;
  /** Column types. */
  types: { double: Sql; text: Sql; bool: Sql; int: Sql; textList: Sql; date: Sql };
  /** A double literal. */
  num(n: number): Sql;
  /** The day number (days since 1970-01-01, as a double) of a DATE. */
  dayNumber(date: Sql): Sql;
  /** `YYYY-MM-DD` for a day number. */
  formatDay(day: Sql): Sql;
  /** A whole double (|x| < 1e15) as digits. */
  intText(x: Sql): Sql;
  /** The engine's shortest text for a double (any notation; {@link numberText} makes it JavaScript's). */
  floatText(x: Sql): Sql;
  /** Does `s` contain `part`? */
  strContains(s: Sql, part: string): Sql;
  /** Regular-expression replacement of every match. */
  replaceAll(s: Sql, pattern: string, replacement: string): Sql;
  /** Does the whole of `s` match `pattern`? (NULL for NULL.) */
  fullMatch(s: Sql, pattern: string): Sql;
  /** `s` as a JSON string literal (JSON.stringify of a string). */
  jsonText(s: Sql): Sql;
  /** A list of text as JSON (JSON.stringify of an array of strings). */
  jsonList(list: Sql): Sql;
  listLength(list: Sql): Sql;
  /** Is `x` an item of `list`? (may be NULL when x is NULL) */
  listContains(list: Sql, x: Sql): Sql;
  listJoin(list: Sql, separator: string): Sql;
  /** Each item (in order, nulls included) as text by `item`, joined. */
  listMapJoin(list: Sql, item: (x: Sql) => Sql, separator: string): Sql;
  /** Every item upper-cased, sorted by code point. */
  normaliseModifiers(list: Sql): Sql;
  /** Is every item non-null and two letters or digits? */
  modifiersWellFormed(list: Sql): Sql;
  /** Does `list` hold every item of `sub`? */
  listHasAll(list: Sql, sub: Sql): Sql;
  /** Does `list` hold an item of `other`? */
  listHasAny(list: Sql, other: Sql): Sql;
  /** Are the items of `list` all different? */
  listIsDistinct(list: Sql): Sql;
  /** The items of `list` not in `used`, in order, joined by a space. */
  listExceptJoined(list: Sql, used: Sql): Sql;
  /** The year and the month (1-12) of a day number, as doubles (NULL for NULL). */
  yearOf(day: Sql): Sql;
  monthOf(day: Sql): Sql;
  /** A list literal of text items. */
  textList(items: Sql[]): Sql;
  /** A list literal of items of another type (numbers, booleans). */
  list(items: Sql[], itemType: Sql): Sql;
  /** Is `x` one of the items? (NULL when x is NULL or no item matches and one is NULL) */
  inList(x: Sql, items: Sql[]): Sql;
  /** `a IS NOT DISTINCT FROM b`. */
  same(a: Sql, b: Sql): Sql;
  /** The findings column: the items whose condition holds, in order. `when` null: always present. */
  findings(items: { when: Sql | null; finding: FindingSql }[]): Sql;
  /** The findings column's value for a line with no findings. */
  noFindings: Sql;
  /** Statements creating a reference table from rows of literals. */
  referenceTable(name: string, columns: { name: string; type: Sql }[], rows: Sql[][]): Sql;
  /** The statement creating the results view. */
  resultsView(name: string, body: Sql): Sql;
  /** Text first in the script. */
  preamble: Sql;
  /** JavaScript's `String(x)` for a double (NULL for NULL): a function of the script where the dialect has SQL functions. */
  numberText(x: Sql): Sql;
  /** Statements creating the script's helper functions (none in Spark SQL, which inlines them). */
  functions: Sql;
  /** `body` of a value computed once (a lambda over a one-item list where the dialect has lambdas). */
  bind(x: Sql, name: string, body: (v: Sql) => Sql): Sql;
}

const t = (s: string) => Sql.trusted(s);
const q = standardQuoter;

/**
 * JavaScript's `String(x)` for a double x, from the engine's shortest text of it: whole numbers as digits; the
 * exponent notation engines use for small and large numbers rewritten as JavaScript writes them (decimal from
 * 1e-7 to 1e21, else `1.5e-7`, `1e+21`). Plain string functions only: regular expressions are costly to set up.
 */
export function inlineNumberText(d: Dialect, x: Sql): Sql {
  return d.bind(sql`lower(${d.floatText(x)})`, 'cg_s', (s) => numberTextOf(d, x, s));
}

/** {@link inlineNumberText} given the engine's text `s` of `x`, lower-cased. */
function numberTextOf(d: Dialect, x: Sql, s: Sql): Sql {
  const rawMantissa = sql`split_part(${s}, 'e', 1)`;
  const mantissa = sql`CASE WHEN substr(${rawMantissa}, length(${rawMantissa}) - 1) = '.0' THEN substr(${rawMantissa}, 1, length(${rawMantissa}) - 2) ELSE ${rawMantissa} END`;
  const exp = sql`CAST(replace(split_part(${s}, 'e', 2), '+', '') AS ${d.types.int})`;
  const sign = sql`CASE WHEN ${x} < 0 THEN '-' ELSE '' END`;
  const digits = sql`replace(replace(${mantissa}, '-', ''), '.', '')`;
  const len = sql`length(${digits})`;
  const expanded = sql`CASE
      WHEN ${exp} < -6 OR ${exp} >= 21 THEN ${mantissa} || 'e' || CASE WHEN ${exp} < 0 THEN '-' ELSE '+' END || CAST(abs(${exp}) AS ${d.types.text})
      WHEN ${exp} < 0 THEN ${sign} || '0.' || repeat('0', -${exp} - 1) || ${digits}
      WHEN ${len} <= ${exp} + 1 THEN ${sign} || ${digits} || repeat('0', ${exp} + 1 - ${len})
      ELSE ${sign} || substr(${digits}, 1, ${exp} + 1) || '.' || substr(${digits}, ${exp} + 2) END`;
  return sql`CASE WHEN ${x} = floor(${x}) AND abs(${x}) < ${d.num(1e15)} THEN ${d.intText(x)}
    WHEN NOT (abs(${x}) <= ${d.num(Number.MAX_VALUE)}) THEN CASE WHEN ${x} > 0 THEN 'Infinity' WHEN ${x} < 0 THEN '-Infinity' ELSE 'NaN' END
    WHEN ${d.strContains(s, 'e')} THEN ${expanded}
    ELSE ${mantissa} END`;
}

function duckdb(): Dialect {
  const d: Dialect = {
    name: 'duckdb',
    q,
    types: { double: t('DOUBLE'), text: t('VARCHAR'), bool: t('BOOLEAN'), int: t('INTEGER'), textList: t('VARCHAR[]'), date: t('DATE') },
    num: (n) => sql`CAST(${q.text(String(n))} AS DOUBLE)`,
    dayNumber: (date) => sql`CAST((${date} - DATE '1970-01-01') AS DOUBLE)`,
    formatDay: (day) => sql`strftime(DATE '1970-01-01' + CAST(${day} AS INTEGER), '%Y-%m-%d')`,
    intText: (x) => sql`CAST(CAST(${x} AS BIGINT) AS VARCHAR)`,
    floatText: (x) => sql`CAST(${x} AS VARCHAR)`,
    strContains: (s, part) => sql`contains(${s}, ${q.text(part)})`,
    replaceAll: (s, p, r) => sql`regexp_replace(${s}, ${q.text(p)}, ${q.text(r)}, 'g')`,
    fullMatch: (s, p) => sql`regexp_full_match(${s}, ${q.text(p)})`,
    jsonText: (s) => sql`CAST(to_json(${s}) AS VARCHAR)`,
    jsonList: (l) => sql`CAST(to_json(${l}) AS VARCHAR)`,
    listLength: (l) => sql`len(${l})`,
    listContains: (l, x) => sql`list_contains(${l}, ${x})`,
    listJoin: (l, sep) => sql`array_to_string(${l}, ${q.text(sep)})`,
    listMapJoin: (l, item, sep) => sql`array_to_string(list_transform(${l}, lambda cg_x: ${item(t('cg_x'))}), ${q.text(sep)})`,
    normaliseModifiers: (l) => sql`list_sort(list_transform(${l}, lambda m: upper(m)))`,
    modifiersWellFormed: (l) => sql`(len(list_filter(${l}, lambda m: NOT coalesce(regexp_full_match(m, '[A-Za-z0-9]{2}'), FALSE))) = 0)`,
    listHasAll: (l, sub) => sql`list_has_all(${l}, ${sub})`,
    listHasAny: (l, other) => sql`list_has_any(${l}, ${other})`,
    listIsDistinct: (l) => sql`(len(list_distinct(${l})) = len(${l}))`,
    listExceptJoined: (l, used) => sql`array_to_string(list_filter(${l}, lambda m: NOT list_contains(${used}, m)), ' ')`,
    yearOf: (day) => sql`CAST(year(DATE '1970-01-01' + CAST(floor(${day}) AS INTEGER)) AS DOUBLE)`,
    monthOf: (day) => sql`CAST(month(DATE '1970-01-01' + CAST(floor(${day}) AS INTEGER)) AS DOUBLE)`,
    textList: (items) => (items.length ? sql`[${joinSql(items, ', ')}]` : t('CAST([] AS VARCHAR[])')),
    list: (items, type) => (items.length ? sql`[${joinSql(items, ', ')}]` : sql`CAST([] AS ${type}[])`),
    inList: (x, items) => (items.length > 4 ? sql`list_contains([${joinSql(items, ', ')}], ${x})` : sql`(${x} IN (${joinSql(items, ', ')}))`),
    same: (a, b) => sql`(${a} IS NOT DISTINCT FROM ${b})`,
    findings: (items) => {
      const struct = (f: FindingSql) => sql`{'rule': ${f.rule}, 'category': ${f.category}, 'severity': ${f.severity}, 'message': ${f.message}, 'cite': ${f.cite}}`;
      if (items.length === 0) return d.noFindings;
      const all = items.map((i) => (i.when ? sql`CASE WHEN ${i.when} THEN ${struct(i.finding)} END` : struct(i.finding)));
      return sql`list_filter([${joinSql(all, ',\n')}], lambda f: f IS NOT NULL)`;
    },
    noFindings: t(`CAST([] AS STRUCT("rule" VARCHAR, category VARCHAR, severity VARCHAR, message VARCHAR, cite VARCHAR)[])`),
    referenceTable: (name, columns, rows) => sql`CREATE OR REPLACE TABLE ${q.ident(name)} (${joinSql(columns.map((c) => sql`${q.ident(c.name)} ${c.type}`), ', ')});
${rows.length ? sql`INSERT INTO ${q.ident(name)} VALUES\n${joinSql(rows.map((r) => sql`  (${joinSql(r, ', ')})`), ',\n')};` : t('')}`,
    resultsView: (name, body) => sql`CREATE OR REPLACE VIEW ${q.ident(name)} AS\n${body};`,
    preamble: t(''),
    numberText: (x) => sql`codeguide_number_text(${x})`,
    functions: t(''),
    bind: (x, name, body) => sql`list_transform([${x}], lambda ${t(name)}: ${body(t(name))})[1]`,
  };
  // A macro is expanded where it is used: the argument goes in once, through a one-item list, so that a
  // message's number does not become twenty copies of its expression (which slows DuckDB's planner).
  d.functions = sql`CREATE OR REPLACE MACRO codeguide_number_text(x) AS (list_transform([x], lambda cg_v: ${inlineNumberText(d, t('cg_v'))})[1]);`;
  return d;
}

function postgres(): Dialect {
  const d: Dialect = {
    name: 'postgres',
    q,
    types: { double: t('DOUBLE PRECISION'), text: t('TEXT'), bool: t('BOOLEAN'), int: t('INTEGER'), textList: t('TEXT[]'), date: t('DATE') },
    num: (n) => sql`CAST(${q.text(String(n))} AS DOUBLE PRECISION)`,
    dayNumber: (date) => sql`CAST((${date} - DATE '1970-01-01') AS DOUBLE PRECISION)`,
    formatDay: (day) => sql`to_char(DATE '1970-01-01' + CAST(${day} AS INTEGER), 'YYYY-MM-DD')`,
    intText: (x) => sql`CAST(CAST(${x} AS BIGINT) AS TEXT)`,
    floatText: (x) => sql`CAST(${x} AS TEXT)`,
    strContains: (s, part) => sql`(strpos(${s}, ${q.text(part)}) > 0)`,
    replaceAll: (s, p, r) => sql`regexp_replace(${s}, ${q.text(p)}, ${q.text(r)}, 'g')`,
    fullMatch: (s, p) => sql`(${s} ~ ${q.text(`^(${p})$`)})`,
    jsonText: (s) => sql`CAST(to_json(CAST(${s} AS TEXT)) AS TEXT)`,
    jsonList: (l) => sql`CAST(to_json(${l}) AS TEXT)`,
    listLength: (l) => sql`coalesce(cardinality(${l}), 0)`,
    listContains: (l, x) => sql`(${x} = ANY(${l}))`,
    listJoin: (l, sep) => sql`array_to_string(${l}, ${q.text(sep)})`,
    listMapJoin: (l, item, sep) => sql`array_to_string(ARRAY(SELECT ${item(t('u.cg_x'))} FROM unnest(${l}) WITH ORDINALITY AS u(cg_x, cg_i) ORDER BY u.cg_i), ${q.text(sep)})`,
    normaliseModifiers: (l) => sql`ARRAY(SELECT upper(m) FROM unnest(${l}) AS u(m) ORDER BY upper(m) COLLATE "C")`,
    modifiersWellFormed: (l) => sql`NOT EXISTS (SELECT 1 FROM unnest(${l}) AS u(m) WHERE m IS NULL OR m !~ '^[A-Za-z0-9]{2}$')`,
    listHasAll: (l, sub) => sql`(${l} @> ${sub})`,
    listHasAny: (l, other) => sql`(${l} && ${other})`,
    listIsDistinct: (l) => sql`(cardinality(ARRAY(SELECT DISTINCT u.m FROM unnest(${l}) AS u(m))) = cardinality(${l}))`,
    listExceptJoined: (l, used) => sql`array_to_string(ARRAY(SELECT u.m FROM unnest(${l}) WITH ORDINALITY AS u(m, i) WHERE NOT (u.m = ANY(${used})) ORDER BY u.i), ' ')`,
    yearOf: (day) => sql`CAST(extract(year FROM DATE '1970-01-01' + CAST(floor(${day}) AS INTEGER)) AS DOUBLE PRECISION)`,
    monthOf: (day) => sql`CAST(extract(month FROM DATE '1970-01-01' + CAST(floor(${day}) AS INTEGER)) AS DOUBLE PRECISION)`,
    textList: (items) => (items.length ? sql`CAST(ARRAY[${joinSql(items, ', ')}] AS TEXT[])` : t('CAST(ARRAY[] AS TEXT[])')),
    list: (items, type) => sql`CAST(ARRAY[${joinSql(items, ', ')}] AS ${type}[])`,
    inList: (x, items) => sql`(${x} IN (${joinSql(items, ', ')}))`,
    same: (a, b) => sql`(${a} IS NOT DISTINCT FROM ${b})`,
    findings: (items) => {
      const obj = (f: FindingSql) => sql`jsonb_build_array(jsonb_build_object('rule', ${f.rule}, 'category', ${f.category}, 'severity', ${f.severity}, 'message', ${f.message}, 'cite', ${f.cite}))`;
      if (items.length === 0) return d.noFindings;
      const all = items.map((i) => (i.when ? sql`CASE WHEN ${i.when} THEN ${obj(i.finding)} ELSE CAST('[]' AS JSONB) END` : obj(i.finding)));
      return sql`(${joinSql(all, ' || ')})`;
    },
    noFindings: t(`CAST('[]' AS JSONB)`),
    referenceTable: (name, columns, rows) => sql`DROP TABLE IF EXISTS ${q.ident(name)} CASCADE;
CREATE TABLE ${q.ident(name)} (${joinSql(columns.map((c) => sql`${q.ident(c.name)} ${c.type}`), ', ')});
${rows.length ? sql`INSERT INTO ${q.ident(name)} VALUES\n${joinSql(rows.map((r) => sql`  (${joinSql(r, ', ')})`), ',\n')};` : t('')}`,
    resultsView: (name, body) => sql`CREATE VIEW ${q.ident(name)} AS\n${body};`,
    preamble: t(`DROP VIEW IF EXISTS "codeguide_results";`),
    numberText: (x) => sql`codeguide_number_text(${x})`,
    functions: t(''),
    bind: (x, _name, body) => body(x),
  };
  d.functions = sql`CREATE OR REPLACE FUNCTION codeguide_number_text(x DOUBLE PRECISION) RETURNS TEXT LANGUAGE SQL IMMUTABLE RETURN ${inlineNumberText(d, t('x'))};`;
  return d;
}

function spark(): Dialect {
  const s = sparkQuoter;
  const d: Dialect = {
    name: 'spark',
    q: s,
    types: { double: t('DOUBLE'), text: t('STRING'), bool: t('BOOLEAN'), int: t('INT'), textList: t('ARRAY<STRING>'), date: t('DATE') },
    num: (n) => sql`CAST(${s.text(String(n))} AS DOUBLE)`,
    dayNumber: (date) => sql`CAST(datediff(${date}, DATE '1970-01-01') AS DOUBLE)`,
    formatDay: (day) => sql`date_format(date_add(DATE '1970-01-01', CAST(${day} AS INT)), 'yyyy-MM-dd')`,
    intText: (x) => sql`CAST(CAST(${x} AS BIGINT) AS STRING)`,
    floatText: (x) => sql`CAST(${x} AS STRING)`,
    strContains: (str, part) => sql`(instr(${str}, ${s.text(part)}) > 0)`,
    replaceAll: (str, p, r) => sql`regexp_replace(${str}, ${s.text(p)}, ${s.text(r)})`,
    fullMatch: (str, p) => sql`(${str} RLIKE ${s.text(`^(${p})$`)})`,
    jsonText: (str) => sql`substr(to_json(named_struct('v', ${str})), 6, length(to_json(named_struct('v', ${str}))) - 6)`,
    jsonList: (l) => sql`substr(to_json(named_struct('v', ${l})), 6, length(to_json(named_struct('v', ${l}))) - 6)`,
    listLength: (l) => sql`size(${l})`,
    listContains: (l, x) => sql`array_contains(${l}, ${x})`,
    listJoin: (l, sep) => sql`array_join(${l}, ${s.text(sep)})`,
    listMapJoin: (l, item, sep) => sql`array_join(transform(${l}, cg_x -> ${item(t('cg_x'))}), ${s.text(sep)})`,
    normaliseModifiers: (l) => sql`array_sort(transform(${l}, m -> upper(m)))`,
    modifiersWellFormed: (l) => sql`forall(${l}, m -> m IS NOT NULL AND m RLIKE '^[A-Za-z0-9]{2}$')`,
    listHasAll: (l, sub) => sql`(size(array_except(${sub}, ${l})) = 0)`,
    listHasAny: (l, other) => sql`arrays_overlap(${l}, ${other})`,
    listIsDistinct: (l) => sql`(size(array_distinct(${l})) = size(${l}))`,
    listExceptJoined: (l, used) => sql`array_join(filter(${l}, m -> NOT array_contains(${used}, m)), ' ')`,
    yearOf: (day) => sql`CAST(year(date_add(DATE '1970-01-01', CAST(floor(${day}) AS INT))) AS DOUBLE)`,
    monthOf: (day) => sql`CAST(month(date_add(DATE '1970-01-01', CAST(floor(${day}) AS INT))) AS DOUBLE)`,
    textList: (items) => (items.length ? sql`array(${joinSql(items, ', ')})` : t('CAST(array() AS ARRAY<STRING>)')),
    list: (items, type) => (items.length ? sql`array(${joinSql(items, ', ')})` : sql`CAST(array() AS ARRAY<${type}>)`),
    inList: (x, items) => sql`(${x} IN (${joinSql(items, ', ')}))`,
    same: (a, b) => sql`(${a} <=> ${b})`,
    findings: (items) => {
      const struct = (f: FindingSql) => sql`named_struct('rule', ${f.rule}, 'category', ${f.category}, 'severity', ${f.severity}, 'message', ${f.message}, 'cite', ${f.cite})`;
      if (items.length === 0) return d.noFindings;
      const all = items.map((i) => (i.when ? sql`CASE WHEN ${i.when} THEN ${struct(i.finding)} END` : struct(i.finding)));
      return sql`filter(array(${joinSql(all, ',\n')}), f -> f IS NOT NULL)`;
    },
    noFindings: t(`CAST(array() AS ARRAY<STRUCT<rule: STRING, category: STRING, severity: STRING, message: STRING, cite: STRING>>)`),
    referenceTable: (name, columns, rows) => {
      const cols = joinSql(columns.map((c) => s.ident(c.name)), ', ');
      const typed = (r: Sql[]) => sql`(${joinSql(r.map((v, i) => sql`CAST(${v} AS ${columns[i]!.type})`), ', ')})`;
      const body = rows.length
        ? sql`SELECT * FROM VALUES\n${joinSql(rows.map((r) => sql`  ${typed(r)}`), ',\n')}\n  AS t(${cols})`
        : sql`SELECT ${joinSql(columns.map((c) => sql`CAST(NULL AS ${c.type}) AS ${s.ident(c.name)}`), ', ')} WHERE FALSE`;
      return sql`CREATE OR REPLACE TEMPORARY VIEW ${s.ident(name)} AS\n${body};`;
    },
    resultsView: (name, body) => sql`CREATE OR REPLACE TEMPORARY VIEW ${s.ident(name)} AS\n${body};`,
    preamble: t(''),
    // No functions in a script: inlined, with the argument in once through a one-item array (as DuckDB's macro).
    numberText: (x) => d.bind(x, 'cg_v', (v) => inlineNumberText(d, v)),
    functions: t(''),
    bind: (x, name, body) => sql`transform(array(${x}), ${t(name)} -> ${body(t(name))})[0]`,
  };
  return d;
}

/** The dialect of a name. */
export function dialectOf(name: DialectName): Dialect {
  switch (name) {
    case 'duckdb': return duckdb();
    case 'postgres': return postgres();
    case 'spark': return spark();
  }
}
