/**
 * The input side of the SQL script: `encounter_lines` (PRODUCT §10 columns)
 * read into the language's line fields, and the record checks of §6 that a
 * typed table can still fail, with the messages the bundle's record check
 * writes (runtime/record.js: `field what (got shown)`).
 */
import { DERIVED_FIELDS, FIELD_PROBLEMS, RECORD_FIELDS, requirement, type RecordField } from '../../fields.ts';
import { MAX_GROUP_DAYS } from '../../../runtime/record.js';
import { Sql, joinSql, sql } from './builder.ts';
import type { Dialect } from './dialect.ts';

/** The §10 column of an input field (snake case). */
export function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The internal column of a line field: `f_` record and derived fields, `e_` entry fields, `a_` attributes. */
export function fieldColumn(d: Dialect, name: string, attributes: ReadonlySet<string>): Sql {
  return d.q.ident(fieldColumnName(name, attributes));
}

/** The name of {@link fieldColumn}, unquoted. */
export function fieldColumnName(name: string, attributes: ReadonlySet<string>): string {
  if (name === 'billableUnits' || RECORD_FIELDS.some((f) => f.name === name) || DERIVED_FIELDS.some((f) => f.name === name)) return `f_${name}`;
  if (attributes.has(name)) return `a_${name}`;
  return `e_${name}`;
}

/** One record problem: when it applies and its message. */
interface Problem { when: Sql; message: Sql }

/** `JSON.stringify` cut to 40 characters, as the runtime's `shown`. */
function cut(d: Dialect, text: Sql): Sql {
  return d.bind(text, 'cg_t', (s) => sql`CASE WHEN length(${s}) > 40 THEN substr(${s}, 1, 37) || '...' ELSE ${s} END`);
}

const finite = (d: Dialect, x: Sql) => sql`(abs(${x}) <= ${d.num(Number.MAX_VALUE)})`;

function shownText(d: Dialect, x: Sql): Sql {
  return sql`CASE WHEN ${x} IS NULL THEN 'nothing' ELSE ${cut(d, d.jsonText(x))} END`;
}

function shownNumber(d: Dialect, x: Sql): Sql {
  return sql`CASE WHEN ${x} IS NULL THEN 'nothing' WHEN NOT ${finite(d, x)} THEN 'null' ELSE ${cut(d, d.numberText(x))} END`;
}

function problem(d: Dialect, requirementText: string, when: Sql, shown: Sql): Problem {
  return { when: sql`coalesce(${when}, FALSE)`, message: sql`${d.q.text(`${requirementText} (got `)} || ${shown} || ')'` };
}

/**
 * JavaScript's white space (what `\\s` and `trim()` match), as a character class of the characters themselves:
 * engines' own `\\s` classes differ from it and from each other.
 */
const JS_SPACE = '[\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]';

/** Text without JavaScript's white space at either end (`String.prototype.trim`). */
export function trimmedSql(d: Dialect, x: Sql): Sql {
  return d.replaceAll(x, `^${JS_SPACE}+|${JS_SPACE}+$`, '');
}

/**
 * The record checks of §6 a typed table can still fail, in the order the bundle's generated check makes
 * them (compiler/emit/record.ts), with its messages: both are made from the field table (compiler/fields.ts).
 * Over the columns of `cg_in` (alias `l`).
 */
export function recordProblems(d: Dialect): Problem[] {
  const c = (f: RecordField) => sql`l.${d.q.ident(`r_${snake(f.name)}`)}`;
  const whole = (x: Sql) => sql`(${x} = floor(${x}) AND ${finite(d, x)})`;
  const day = (f: RecordField) => sql`l.${d.q.ident(`f_${f.name}`)}`;
  const out: Problem[] = [];
  for (const f of RECORD_FIELDS) {
    const x = c(f);
    const absent = f.required ? sql`${x} IS NULL OR ` : Sql.trusted('');
    const present = f.required ? Sql.trusted('') : sql`${x} IS NOT NULL AND `;
    switch (f.kind) {
      case 'id':
        out.push(problem(d, requirement(f), sql`${x} IS NULL OR ${x} = ''`, shownText(d, x)));
        out.push(problem(d, FIELD_PROBLEMS.blank(f), sql`${x} <> '' AND ${d.fullMatch(x, `${JS_SPACE}*`)}`, shownText(d, x)));
        break;
      case 'integer':
        out.push(problem(d, requirement(f), sql`${absent}${present}(NOT ${whole(x)} OR ${x} < ${d.num(f.min ?? 0)})`, shownNumber(d, x)));
        break;
      case 'number':
        out.push(problem(d, requirement(f), sql`${absent}${present}(NOT ${finite(d, x)} OR ${x} ${Sql.trusted(f.positive ? '<=' : '<')} ${d.num(0)})`, shownNumber(d, x)));
        break;
      case 'date': {
        if (f.required) out.push(problem(d, requirement(f), sql`${day(f)} IS NULL`, Sql.trusted(`'nothing'`)));
        const start = f.notBefore === undefined ? undefined : RECORD_FIELDS.find((g) => g.name === f.notBefore);
        if (start) {
          out.push({
            when: sql`coalesce(${day(f)} < ${day(start)}, FALSE)`,
            message: sql`${d.q.text(FIELD_PROBLEMS.beforeStart(f))} || ${d.jsonText(d.formatDay(day(start)))} || ' (got ' || ${d.jsonText(d.formatDay(day(f)))} || ')'`,
          });
        }
        break;
      }
      case 'code':
        out.push(problem(d, requirement(f), sql`${absent}${present}NOT ${d.fullMatch(x, '[A-Za-z0-9]{5}')}`, shownText(d, x)));
        break;
      case 'modifiers':
        out.push(problem(d, requirement(f), sql`${x} IS NOT NULL AND ${d.listLength(x)} > ${d.num(f.maxItems ?? 4)}`, cut(d, d.jsonList(x))));
        out.push(problem(d, FIELD_PROBLEMS.badModifier(f), sql`${x} IS NOT NULL AND ${d.listLength(x)} <= ${d.num(f.maxItems ?? 4)} AND NOT ${d.modifiersWellFormed(x)}`, cut(d, d.jsonList(x))));
        break;
      case 'placeOfService':
        out.push(problem(d, requirement(f), sql`${x} IS NOT NULL AND ${x} <> '' AND NOT ${d.fullMatch(x, '[0-9]{2}')}`, shownText(d, x)));
        break;
      case 'text': case 'upperText':
        break; // any text a table holds is text
    }
  }
  return out;
}

/** `cg_in`: the table's columns (§10: the record fields in snake case) as typed raw values (`r_`) and as line fields (`f_`). */
export function inputSelect(d: Dialect, table: Sql, extra: readonly string[] = []): Sql {
  const e = (f: RecordField) => sql`e.${d.q.ident(snake(f.name))}`;
  const dbl = (x: Sql) => sql`CAST(${x} AS ${d.types.double})`;
  const optionalText = (x: Sql) => sql`CASE WHEN ${x} = '' THEN NULL ELSE ${x} END`;
  const raw = RECORD_FIELDS.filter((f) => f.kind !== 'date').map((f) => sql`${f.type === 'number' ? dbl(e(f)) : e(f)} AS ${d.q.ident(`r_${snake(f.name)}`)}`);
  const fields = RECORD_FIELDS.filter((f) => f.kind !== 'modifiers').map((f) => {
    const x = e(f);
    const value = ((): Sql => {
      switch (f.kind) {
        case 'id': return f.required ? x : optionalText(x);
        case 'text': case 'placeOfService': return optionalText(x);
        case 'upperText': return sql`CASE WHEN ${x} = '' THEN NULL ELSE upper(${trimmedSql(d, x)}) END`;
        case 'integer': case 'number': return dbl(x);
        case 'date': return d.dayNumber(x);
        case 'code': return sql`upper(${x})`;
        case 'modifiers': return x;
      }
    })();
    return sql`${value} AS ${d.q.ident(`f_${f.name}`)}`;
  });
  const columns = [sql`${sql`e.${d.q.ident('line_index')}`} AS li`, ...extra.map((n) => sql`e.${d.q.ident(n)} AS ${d.q.ident(n)}`), ...raw, ...fields];
  return sql`SELECT
    ${joinSql(columns, ',\n    ')}
  FROM ${table} e`;
}

/** `cg_chk`: `cg_in` plus `invalid`, the normalised modifiers, the lookup key, serviceDays and the last group day. */
export function checkedSelect(d: Dialect): Sql {
  const f = (n: string) => d.q.ident(`f_${n}`);
  const mods = sql`l.${d.q.ident('r_modifiers')}`;
  const anyProblem = joinSql(recordProblems(d).map((p) => p.when), ' OR ');
  const normalised = sql`CASE WHEN ${mods} IS NULL OR ${d.listLength(mods)} > 4 OR NOT ${d.modifiersWellFormed(mods)} THEN ${d.textList([])} ELSE ${d.normaliseModifiers(mods)} END`;
  return sql`SELECT l.*,
    (${anyProblem}) AS invalid,
    ${normalised} AS ${f('modifiers')},
    CASE WHEN l.${f('serviceDateEnd')} IS NULL THEN ${d.num(1)} ELSE l.${f('serviceDateEnd')} - l.${f('serviceDate')} + ${d.num(1)} END AS ${f('serviceDays')},
    CASE WHEN l.${f('serviceDateEnd')} IS NULL THEN l.${f('serviceDate')}
      WHEN l.${f('serviceDateEnd')} > l.${f('serviceDate')} + ${d.num(MAX_GROUP_DAYS - 1)} THEN l.${f('serviceDate')} + ${d.num(MAX_GROUP_DAYS - 1)}
      ELSE l.${f('serviceDateEnd')} END AS last_day
  FROM cg_in l`;
}

/** The lookup key of a checked line: code and sorted modifiers joined by ":". */
export function lookupKey(d: Dialect): Sql {
  const mods = sql`l.${d.q.ident('f_modifiers')}`;
  return sql`(l.${d.q.ident('f_procedureCode')} || CASE WHEN ${d.listLength(mods)} = 0 THEN '' ELSE ':' || ${d.listJoin(mods, ':')} END)`;
}
