/**
 * The reference interpreter's record check: walks the record field table
 * (compiler/fields.ts) plainly, field by field. The bundle's check is generated
 * from the same table as straight-line code (compiler/emit/record.ts); the
 * differential tests hold the two to the same results and messages.
 */
import { FIELD_PROBLEMS, RECORD_FIELDS, requirement, type RecordField } from './fields.ts';
import { notARecord, parseDay, shown, type LineRecord, type RecordProblem } from '../runtime/record.js';

const CODE = /^[A-Za-z0-9]{5}$/;
const MODIFIER = /^[A-Za-z0-9]{2}$/;
const TWO_DIGITS = /^[0-9]{2}$/;

const RANGE_END = RECORD_FIELDS.find((f) => f.kind === 'date' && f.notBefore !== undefined);

/** A field's value, or `unreadable` when reading it threw. */
type Read = { ok: true; value: unknown } | { ok: false };

function read(raw: object, name: string): Read {
  try {
    return { ok: true, value: Object.prototype.hasOwnProperty.call(raw, name) ? (raw as Record<string, unknown>)[name] : undefined };
  } catch {
    return { ok: false };
  }
}

/** What checking one field found: its normalised value, or the problem with it. */
type Checked = { value: unknown } | { problem: string };

/** Check one present value of a field (absent optional fields never get here). */
function checkValue(f: RecordField, v: unknown, checked: ReadonlyMap<string, { raw: unknown; value: unknown }>): Checked {
  switch (f.kind) {
    case 'id':
      if (typeof v !== 'string' || v === '') return bad(f, v);
      return v.trim() === '' ? { problem: `${FIELD_PROBLEMS.blank(f)} (got ${shown(v)})` } : { value: v };
    case 'text':
      return typeof v === 'string' ? { value: v } : bad(f, v);
    case 'upperText':
      return typeof v === 'string' ? { value: v.trim().toUpperCase() } : bad(f, v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v) && v >= (f.min ?? 0) ? { value: v === 0 ? 0 : v } : bad(f, v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) && (f.positive ? v > 0 : v >= 0) ? { value: v === 0 ? 0 : v } : bad(f, v);
    case 'code':
      return typeof v === 'string' && CODE.test(v) ? { value: v.toUpperCase() } : bad(f, v);
    case 'placeOfService': {
      const text = typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 99 ? String(v).padStart(2, '0') : v;
      return typeof text === 'string' && TWO_DIGITS.test(text) ? { value: text } : bad(f, v);
    }
    case 'date': {
      const day = parseDay(v);
      if (day < 0) return bad(f, v);
      const start = f.notBefore === undefined ? undefined : checked.get(f.notBefore);
      if (start && typeof start.value === 'number' && day < start.value) {
        return { problem: `${FIELD_PROBLEMS.beforeStart(f)}${shown(start.raw)} (got ${shown(v)})` };
      }
      return { value: day };
    }
    case 'modifiers':
      return checkModifiers(f, v);
  }
}

/** The field's requirement, broken by the value. */
function bad(f: RecordField, v: unknown): Checked {
  return { problem: `${requirement(f)} (got ${shown(v)})` };
}

function checkModifiers(f: RecordField, v: unknown): Checked {
  try {
    if (!Array.isArray(v) || v.length > (f.maxItems ?? 4)) return { problem: `${requirement(f)} (got ${shown(v)})` };
    const items: string[] = [];
    for (const m of v as unknown[]) {
      if (typeof m !== 'string' || !MODIFIER.test(m)) return { problem: `${FIELD_PROBLEMS.badModifier(f)} (got ${shown(v)})` };
      items.push(m.toUpperCase());
    }
    return { value: items.sort() };
  } catch {
    return { problem: FIELD_PROBLEMS.unreadable(f) };
  }
}

/** The value an absent optional field takes. */
function absent(f: RecordField): unknown {
  return f.kind === 'modifiers' ? [] : null;
}

/**
 * Check a raw input record and normalise it; what is wrong goes into `problems`
 * (one entry per bad field). Never throws.
 */
export function checkRecord(raw: unknown, problems: RecordProblem[]): LineRecord | null {
  const shape = notARecord(raw);
  if (shape !== null) {
    problems.push({ field: 'record', message: shape });
    return null;
  }
  const record = raw as object;
  const checked = new Map<string, { raw: unknown; value: unknown }>();
  let good = true;
  for (const f of RECORD_FIELDS) {
    const got = read(record, f.name);
    if (!got.ok) {
      problems.push({ field: f.name, message: FIELD_PROBLEMS.unreadable(f) });
      good = false;
      continue;
    }
    const missing = got.value === undefined || (!f.required && (got.value === null || got.value === ''));
    if (missing && !f.required) {
      checked.set(f.name, { raw: undefined, value: absent(f) });
      continue;
    }
    const result = checkValue(f, got.value, checked);
    if ('problem' in result) {
      problems.push({ field: f.name, message: result.problem });
      good = false;
      // A bad start date is not compared with the end of the range.
      checked.set(f.name, { raw: got.value, value: null });
    } else {
      checked.set(f.name, { raw: got.value, value: result.value });
    }
  }
  if (!good) return null;
  const line: Record<string, unknown> = {};
  for (const f of RECORD_FIELDS) line[f.name] = checked.get(f.name)!.value;
  const end = RANGE_END === undefined ? null : line[RANGE_END.name];
  line.serviceDays = RANGE_END === undefined || end === null ? 1 : (end as number) - (line[RANGE_END.notBefore!] as number) + 1;
  return line as unknown as LineRecord;
}
