/**
 * The input side of the SQL script: `encounter_lines` (PRODUCT §10 columns)
 * read into the language's line fields, and the record checks of §6 that a
 * typed table can still fail, with the messages the bundle's record check
 * writes (runtime/record.js: `field what (got shown)`).
 */
import { DERIVED_FIELDS, RECORD_FIELDS } from '../../fields.ts';
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
function cut(d: Dialect, s: Sql): Sql {
  return sql`(CASE WHEN length(${s}) > 40 THEN substr(${s}, 1, 37) || '...' ELSE ${s} END)`;
}

const finite = (d: Dialect, x: Sql) => sql`(abs(${x}) <= ${d.num(Number.MAX_VALUE)})`;

function shownText(d: Dialect, x: Sql): Sql {
  return sql`(CASE WHEN ${x} IS NULL THEN 'nothing' ELSE ${cut(d, d.jsonText(x))} END)`;
}

function shownNumber(d: Dialect, x: Sql): Sql {
  return sql`(CASE WHEN ${x} IS NULL THEN 'nothing' WHEN NOT ${finite(d, x)} THEN 'null' ELSE ${cut(d, d.numberText(x))} END)`;
}

function problem(d: Dialect, field: string, what: string, when: Sql, shown: Sql): Problem {
  return { when: sql`coalesce(${when}, FALSE)`, message: sql`${d.q.text(`${field} ${what} (got `)} || ${shown} || ')'` };
}

/** The record checks, in the order the runtime makes them, over the columns of `cg_in` (alias `l`). */
export function recordProblems(d: Dialect): Problem[] {
  const c = (n: string) => sql`l.${d.q.ident(`r_${n}`)}`;
  const code = c('procedure_code');
  const mods = c('modifiers');
  const whole = (x: Sql) => sql`(${x} = floor(${x}) AND ${finite(d, x)})`;
  const sd = sql`l.${d.q.ident('f_serviceDate')}`;
  const sde = sql`l.${d.q.ident('f_serviceDateEnd')}`;
  return [
    problem(d, 'claimId', 'is required and must be a non-empty string', sql`${c('claim_id')} IS NULL OR ${c('claim_id')} = ''`, shownText(d, c('claim_id'))),
    problem(d, 'lineNumber', 'is required and must be a whole number of at least 1', sql`${c('line_number')} IS NULL OR NOT ${whole(c('line_number'))} OR ${c('line_number')} < 1`, shownNumber(d, c('line_number'))),
    problem(d, 'memberId', 'is required and must be a non-empty string', sql`${c('member_id')} IS NULL OR ${c('member_id')} = ''`, shownText(d, c('member_id'))),
    problem(d, 'serviceDate', 'is required and must be a real date written YYYY-MM-DD', sql`${sd} IS NULL`, Sql.trusted(`'nothing'`)),
    {
      when: sql`coalesce(${sde} < ${sd}, FALSE)`,
      message: sql`'serviceDateEnd must not be before serviceDate ' || ${d.jsonText(d.formatDay(sd))} || ' (got ' || ${d.jsonText(d.formatDay(sde))} || ')'`,
    },
    problem(d, 'procedureCode', 'is required and must be 5 letters or digits', sql`${code} IS NULL OR NOT ${d.fullMatch(code, '[A-Za-z0-9]{5}')}`, shownText(d, code)),
    problem(d, 'modifiers', 'must be a list of at most 4 two-character modifiers', sql`${mods} IS NOT NULL AND ${d.listLength(mods)} > 4`, cut(d, d.jsonList(mods))),
    problem(d, 'modifiers', 'must hold two-character modifiers only', sql`${mods} IS NOT NULL AND ${d.listLength(mods)} <= 4 AND NOT ${d.modifiersWellFormed(mods)}`, cut(d, d.jsonList(mods))),
    problem(d, 'units', 'is required and must be a number greater than 0', sql`${c('units')} IS NULL OR NOT ${finite(d, c('units'))} OR ${c('units')} <= 0`, shownNumber(d, c('units'))),
    problem(d, 'minutes', 'must be a whole number of at least 0', sql`${c('minutes')} IS NOT NULL AND (NOT ${whole(c('minutes'))} OR ${c('minutes')} < 0)`, shownNumber(d, c('minutes'))),
    problem(d, 'amount', 'must be a number of at least 0', sql`${c('amount')} IS NOT NULL AND (NOT ${finite(d, c('amount'))} OR ${c('amount')} < 0)`, shownNumber(d, c('amount'))),
    problem(d, 'placeOfService', 'must be two digits, e.g. "02"', sql`${c('place_of_service')} IS NOT NULL AND ${c('place_of_service')} <> '' AND NOT ${d.fullMatch(c('place_of_service'), '[0-9]{2}')}`, shownText(d, c('place_of_service'))),
  ];
}

/** `cg_in`: the table's columns as typed raw values (`r_`) and as line fields (`f_`). */
export function inputSelect(d: Dialect, table: Sql): Sql {
  const e = (n: string) => sql`e.${d.q.ident(n)}`;
  const f = (n: string) => d.q.ident(`f_${n}`);
  const r = (n: string) => d.q.ident(`r_${n}`);
  const dbl = (x: Sql) => sql`CAST(${x} AS ${d.types.double})`;
  const optionalText = (x: Sql) => sql`(CASE WHEN ${x} = '' THEN NULL ELSE ${x} END)`;
  const trimmed = (x: Sql) => d.replaceAll(x, '^\\s+|\\s+$', '');
  return sql`SELECT
    ${e('line_index')} AS li,
    ${e('claim_id')} AS ${r('claim_id')},
    ${dbl(e('line_number'))} AS ${r('line_number')},
    ${e('member_id')} AS ${r('member_id')},
    ${e('procedure_code')} AS ${r('procedure_code')},
    ${e('modifiers')} AS ${r('modifiers')},
    ${dbl(e('units'))} AS ${r('units')},
    ${dbl(e('minutes'))} AS ${r('minutes')},
    ${dbl(e('amount'))} AS ${r('amount')},
    ${e('place_of_service')} AS ${r('place_of_service')},
    ${e('claim_id')} AS ${f('claimId')},
    ${dbl(e('line_number'))} AS ${f('lineNumber')},
    ${e('member_id')} AS ${f('memberId')},
    ${d.dayNumber(e('service_date'))} AS ${f('serviceDate')},
    ${d.dayNumber(e('service_date_end'))} AS ${f('serviceDateEnd')},
    upper(${e('procedure_code')}) AS ${f('procedureCode')},
    ${dbl(e('units'))} AS ${f('units')},
    ${dbl(e('minutes'))} AS ${f('minutes')},
    ${dbl(e('amount'))} AS ${f('amount')},
    ${optionalText(e('place_of_service'))} AS ${f('placeOfService')},
    (CASE WHEN ${e('staff_credential')} = '' THEN NULL ELSE upper(${trimmed(e('staff_credential'))}) END) AS ${f('staffCredential')},
    ${optionalText(e('rendering_taxonomy'))} AS ${f('renderingTaxonomy')},
    ${optionalText(e('plan_id'))} AS ${f('planId')}
  FROM ${table} e`;
}

/** `cg_chk`: `cg_in` plus `invalid`, the normalised modifiers, the lookup key, serviceDays and the last group day. */
export function checkedSelect(d: Dialect): Sql {
  const f = (n: string) => d.q.ident(`f_${n}`);
  const mods = sql`l.${d.q.ident('r_modifiers')}`;
  const anyProblem = joinSql(recordProblems(d).map((p) => p.when), ' OR ');
  const normalised = sql`(CASE WHEN ${mods} IS NULL OR ${d.listLength(mods)} > 4 OR NOT ${d.modifiersWellFormed(mods)} THEN ${d.textList([])} ELSE ${d.normaliseModifiers(mods)} END)`;
  return sql`SELECT l.*,
    (${anyProblem}) AS invalid,
    ${normalised} AS ${f('modifiers')},
    (CASE WHEN l.${f('serviceDateEnd')} IS NULL THEN ${d.num(1)} ELSE l.${f('serviceDateEnd')} - l.${f('serviceDate')} + ${d.num(1)} END) AS ${f('serviceDays')},
    (CASE WHEN l.${f('serviceDateEnd')} IS NULL THEN l.${f('serviceDate')}
      WHEN l.${f('serviceDateEnd')} > l.${f('serviceDate')} + ${d.num(MAX_GROUP_DAYS - 1)} THEN l.${f('serviceDate')} + ${d.num(MAX_GROUP_DAYS - 1)}
      ELSE l.${f('serviceDateEnd')} END) AS last_day
  FROM cg_in l`;
}

/** The lookup key of a checked line: code and sorted modifiers joined by ":". */
export function lookupKey(d: Dialect): Sql {
  const mods = sql`l.${d.q.ident('f_modifiers')}`;
  return sql`(l.${d.q.ident('f_procedureCode')} || CASE WHEN ${d.listLength(mods)} = 0 THEN '' ELSE ':' || ${d.listJoin(mods, ':')} END)`;
}
