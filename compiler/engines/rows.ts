/**
 * Input records (PRODUCT §6) as rows of the typed table `encounter_lines`
 * (§10), and the SQL back end's result rows as the bundle's results. A record
 * a typed table cannot carry (a number where text belongs, an impossible date,
 * `null` for a required field) is always invalid; engines judge it with the
 * runtime's own record check instead of loading it.
 */
import { checkRecord, echoIds, parseDay } from '../../runtime/record.js';
import type { EditionPlan } from '../plan/plan.ts';

/** One row of `encounter_lines`; dates are day numbers. */
export interface EncounterRow {
  line_index: number;
  claim_id: string | null;
  line_number: number | null;
  member_id: string | null;
  service_date: number | null;
  service_date_end: number | null;
  procedure_code: string | null;
  modifiers: (string | null)[] | null;
  units: number | null;
  minutes: number | null;
  amount: number | null;
  place_of_service: string | null;
  staff_credential: string | null;
  rendering_taxonomy: string | null;
  plan_id: string | null;
}

/** The columns of `encounter_lines`, in order, with their kind. */
export const ENCOUNTER_COLUMNS: readonly { name: keyof EncounterRow; kind: 'index' | 'text' | 'double' | 'date' | 'list' }[] = [
  { name: 'line_index', kind: 'index' }, { name: 'claim_id', kind: 'text' }, { name: 'line_number', kind: 'double' },
  { name: 'member_id', kind: 'text' }, { name: 'service_date', kind: 'date' }, { name: 'service_date_end', kind: 'date' },
  { name: 'procedure_code', kind: 'text' }, { name: 'modifiers', kind: 'list' }, { name: 'units', kind: 'double' },
  { name: 'minutes', kind: 'double' }, { name: 'amount', kind: 'double' }, { name: 'place_of_service', kind: 'text' },
  { name: 'staff_credential', kind: 'text' }, { name: 'rendering_taxonomy', kind: 'text' }, { name: 'plan_id', kind: 'text' },
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

/** The typed row of a record, or null when the table cannot carry it (the record is then invalid). */
export function encounterRow(raw: unknown, index: number): EncounterRow | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const get = (k: string) => own(raw, k);
  const sd = required(get('serviceDate'), isDay);
  const sde = optional(get('serviceDateEnd'), isDay);
  const posRaw = get('placeOfService');
  const pos = typeof posRaw === 'number' && Number.isInteger(posRaw) && posRaw >= 0 && posRaw <= 99 ? String(posRaw).padStart(2, '0') : posRaw;
  const row = {
    line_index: index,
    claim_id: required(get('claimId'), isText),
    line_number: required(get('lineNumber'), isNumber),
    member_id: required(get('memberId'), isText),
    service_date: sd === null || sd === NOT_CARRIED ? sd : parseDay(sd),
    service_date_end: sde === null || sde === NOT_CARRIED ? sde : parseDay(sde),
    procedure_code: required(get('procedureCode'), isText),
    modifiers: optional(get('modifiers'), isList),
    units: required(get('units'), isNumber),
    minutes: optional(get('minutes'), isNumber),
    amount: optional(get('amount'), isNumber),
    place_of_service: optional(pos, isText),
    staff_credential: optional(get('staffCredential'), isText),
    rendering_taxonomy: optional(get('renderingTaxonomy'), isText),
    plan_id: optional(get('planId'), isText),
  };
  for (const v of Object.values(row)) if (v === NOT_CARRIED) return null;
  return row as EncounterRow;
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

/** The result of a record the table cannot carry: the runtime's record check, reported like the bundle does. */
export function invalidResult(raw: unknown, index: number, first: EditionPlan, attributes: readonly string[]): LineResultShape {
  const problems: { field: string; message: string }[] = [];
  let ids: { claimId: string | null; lineNumber: number | null } = { claimId: null, lineNumber: null };
  try {
    checkRecord(raw, problems);
    ids = echoIds(raw);
  } catch {
    problems.length = 0;
    problems.push({ field: 'record', message: 'the record could not be read (reading one of its fields failed)' });
  }
  const rule = first.builtin.record;
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
