/**
 * Input records (PRODUCT §6) as rows of the typed table `encounter_lines`
 * (§10), and the SQL back end's result rows as the bundle's results. A record
 * a typed table cannot carry (a number where text belongs, an impossible date,
 * `null` for a required field) is always invalid; engines judge it with the
 * runtime's own record check instead of loading it.
 */
import { echoIds, parseDay } from '../../runtime/record.js';
import { recordCheckFunction } from '../emit/record.ts';
import { snake } from '../emit/sql/records.ts';
import { RECORD_FIELDS, type RecordField } from '../fields.ts';
import type { EditionPlan, ValidatorPlan } from '../plan/plan.ts';

let checkRecord: ReturnType<typeof recordCheckFunction> | null = null;

/** The edition that judges as of a day (null: the newest), as the bundle chooses it (runtime/engine.js editionAsOf). */
export function judgingEdition(plan: Pick<ValidatorPlan, 'editions'>, asOf: number | null): EditionPlan {
  const editions = plan.editions;
  if (asOf === null) return editions[editions.length - 1]!;
  let v = editions[0]!;
  for (const e of editions.slice(1)) if (e.published <= asOf) v = e;
  return v;
}

/** One row of `encounter_lines` (§10 columns, snake case); dates are day numbers. */
export type EncounterRow = { line_index: number } & Record<string, string | number | (string | null)[] | null>;

/** How a column is stored. */
export type ColumnKind = 'index' | 'text' | 'double' | 'date' | 'list';

/** The columns of `encounter_lines`, in order, with their kind: `line_index`, then the record fields (compiler/fields.ts). */
export const ENCOUNTER_COLUMNS: readonly { name: string; kind: ColumnKind; field: RecordField | null }[] = [
  { name: 'line_index', kind: 'index', field: null },
  ...RECORD_FIELDS.map((f) => ({ name: snake(f.name), kind: ({ string: 'text', number: 'double', date: 'date', list: 'list' } as const)[f.type], field: f })),
];

const NOT_CARRIED = Symbol('not carried');
type Cell<T> = T | null | typeof NOT_CARRIED;

function own(o: object, k: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, k) ? (o as Record<string, unknown>)[k] : undefined;
}

/** A required field: absent is NULL; JSON null or another type cannot be carried (the check shows them differently). */
function required<T>(v: unknown, ok: (v: unknown) => v is T): Cell<T> {
  if (v === undefined) return null;
  return ok(v) ? v : NOT_CARRIED;
}

/** An optional field: absent, null and "" are NULL. */
function optional<T>(v: unknown, ok: (v: unknown) => v is T): Cell<T> {
  if (v === undefined || v === null || v === '') return null;
  return ok(v) ? v : NOT_CARRIED;
}

const isText = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number';
const isDay = (v: unknown): v is string => typeof v === 'string' && parseDay(v) >= 0;
const isList = (v: unknown): v is (string | null)[] => Array.isArray(v) && v.every((x) => x === null || typeof x === 'string');

const CHECKS: Record<ColumnKind, (v: unknown) => boolean> = { index: isNumber, text: isText, double: isNumber, date: isDay, list: isList };

/** The typed row of a record, or null when the table cannot carry it (the record is then invalid). */
export function encounterRow(raw: unknown, index: number): EncounterRow | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const row: EncounterRow = { line_index: index };
  for (const c of ENCOUNTER_COLUMNS) {
    const f = c.field;
    if (f === null) continue;
    let v = own(raw, f.name);
    // A whole number 0-99 is read as its two-digit place of service, as the record check reads it.
    if (f.kind === 'placeOfService' && typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 99) v = String(v).padStart(2, '0');
    const ok = CHECKS[c.kind] as (v: unknown) => v is never;
    const cell = f.required ? required(v, ok) : optional(v, ok);
    if (cell === NOT_CARRIED) return null;
    row[c.name] = cell !== null && c.kind === 'date' ? parseDay(cell as string) : (cell as EncounterRow[string]);
  }
  return row;
}

/** A result as the bundle writes it (PRODUCT §6 output). */
export interface LineResultShape {
  index: number;
  claimId: string | null;
  lineNumber: number | null;
  status: string;
  program: string | null;
  service: string | null;
  delivery: string | null;
  [attribute: string]: unknown;
  billableUnits: number | null;
  guidanceVersion: string | null;
  findings: { rule: string; category: string; severity: string; message: string; cite: string }[];
}

/** The result of a record the table cannot carry: the bundle's record check, reported like the bundle does. */
export function invalidResult(raw: unknown, index: number, edition: EditionPlan, attributes: readonly string[]): LineResultShape {
  const problems: { field: string; message: string }[] = [];
  let ids: { claimId: string | null; lineNumber: number | null } = { claimId: null, lineNumber: null };
  try {
    checkRecord ??= recordCheckFunction();
    checkRecord(raw, problems);
    ids = echoIds(raw);
  } catch {
    problems.length = 0;
    problems.push({ field: 'record', message: 'the record could not be read (reading one of its fields failed)' });
  }
  const rule = edition.builtin.record;
  const out = { index, claimId: ids.claimId, lineNumber: ids.lineNumber, status: 'invalid', program: null, service: null, delivery: null } as LineResultShape;
  for (const a of attributes) out[a] = null;
  Object.assign(out, { billableUnits: null, guidanceVersion: null, findings: problems.map((p) => ({ rule: rule.id, category: rule.category, severity: rule.severity, message: p.message, cite: rule.cite ?? '' })) });
  return out;
}

/** A row of `codeguide_results` (snake case) as the bundle's result (camel case, same key order). */
export function resultOfRow(row: Record<string, unknown>, attributes: readonly string[]): LineResultShape {
  const snakeName = (n: string) => n.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const out: LineResultShape = {
    index: Number(row.line_index), claimId: (row.claim_id as string | null) ?? null, lineNumber: num(row.line_number), status: row.status as string,
    program: (row.program as string | null) ?? null, service: (row.service as string | null) ?? null, delivery: (row.delivery as string | null) ?? null,
  } as LineResultShape;
  for (const a of attributes) out[a] = row[snakeName(a)] ?? null;
  const findings = typeof row.findings === 'string' ? JSON.parse(row.findings) : row.findings;
  Object.assign(out, { billableUnits: num(row.billable_units), guidanceVersion: (row.guidance_version as string | null) ?? null, findings: (findings as LineResultShape['findings']).map((f) => ({ rule: f.rule, category: f.category, severity: f.severity, message: f.message, cite: f.cite })) });
  return out;
}
