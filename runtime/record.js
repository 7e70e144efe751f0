// @ts-check
// Input records: checking and normalising one line (the record format in the README).
// This file is plain JavaScript because bundles link its functions as written
// (compiler/emit/link.ts); the reference interpreter imports it.

/**
 * @typedef {Object} LineRecord A checked, normalised input line.
 * @property {string} claimId
 * @property {number} lineNumber
 * @property {string} memberId
 * @property {number} serviceDate day number (days since 1970-01-01)
 * @property {number | null} serviceDateEnd day number, or null
 * @property {string} procedureCode upper-cased
 * @property {string[]} modifiers upper-cased, sorted
 * @property {number} units
 * @property {number | null} minutes
 * @property {number | null} amount
 * @property {string | null} placeOfService
 * @property {string | null} staffCredential upper-cased, trimmed
 * @property {string | null} renderingTaxonomy
 * @property {string | null} planId
 * @property {number} serviceDays days in serviceDate..serviceDateEnd
 * @property {string} key lookup key: code and sorted modifiers joined by ":"
 */

/**
 * @typedef {Object} RecordProblem
 * @property {string} field
 * @property {string} message
 */

/**
 * Days since 1970-01-01 for a YYYY-MM-DD string, or -1 when it is not a real date.
 * @param {unknown} text
 * @returns {number}
 */
function parseDay(text) {
  if (typeof text !== 'string' || text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return -1;
  const y = digits(text, 0, 4);
  const m = digits(text, 5, 7);
  const d = digits(text, 8, 10);
  if (y < 0 || m < 1 || m > 12 || d < 1) return -1;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const monthDays = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  if (d > monthDays) return -1;
  return daysFromCivil(y, m, d);
}

/**
 * @param {string} s
 * @param {number} from
 * @param {number} to
 */
function digits(s, from, to) {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * Proleptic Gregorian calendar to day number (H. Hinnant's algorithm).
 * @param {number} y
 * @param {number} m
 * @param {number} d
 */
function daysFromCivil(y, m, d) {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * YYYY-MM-DD for a day number.
 * @param {number} day
 * @returns {string}
 */
function formatDay(day) {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/**
 * Own-property read: never reaches the prototype (`__proto__`, `constructor`).
 * @param {object} obj
 * @param {string} name
 * @returns {unknown}
 */
function own(obj, name) {
  return Object.prototype.hasOwnProperty.call(obj, name) ? /** @type {Record<string, unknown>} */ (obj)[name] : undefined;
}

/**
 * @param {unknown} v
 * @returns {string}
 */
function shown(v) {
  if (v === undefined) return 'nothing';
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
  } catch {
    return String(v);
  }
}

/** A date range joins per-day groups on at most this many days (a guard against absurd ranges). */
const MAX_GROUP_DAYS = 3660;

const CODE_FORM = /^[A-Za-z0-9]{5}$/;
const MODIFIER_FORM = /^[A-Za-z0-9]{2}$/;
const POS_FORM = /^[0-9]{2}$/;

/**
 * Upper-cased and sorted, or null when an item is not a two-character modifier.
 * @param {unknown[]} list
 * @returns {string[] | null}
 */
function normaliseModifiers(list) {
  /** @type {string[]} */
  const out = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const m = list[i];
    if (typeof m !== 'string' || !MODIFIER_FORM.test(m)) return null;
    out[i] = m.toUpperCase();
  }
  return out.length > 1 ? out.sort() : out;
}

/**
 * @param {RecordProblem[]} problems
 * @param {string} field
 * @param {string} what
 * @param {unknown} got
 */
function addProblem(problems, field, what, got) {
  problems.push({ field, message: `${field} ${what} (got ${shown(got)})` });
}

/**
 * An optional field: absent, null and "" all read as undefined.
 * @param {object} raw
 * @param {string} name
 */
function optional(raw, name) {
  const v = own(raw, name);
  return v === null || v === undefined || v === '' ? undefined : v;
}

/**
 * Check a raw input record and normalise it; what is wrong goes into `problems`
 * (one entry per bad field). Never throws. No per-call closures: this runs once per line.
 * @param {unknown} raw
 * @param {RecordProblem[]} problems
 * @returns {LineRecord | null}
 */
function checkRecord(raw, problems) {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({ field: 'record', message: `the line is not a JSON object (got ${shown(raw)})` });
    return null;
  }
  const before = problems.length;

  const claimId = own(raw, 'claimId');
  if (typeof claimId !== 'string' || claimId.length === 0) addProblem(problems, 'claimId', 'is required and must be a non-empty string', claimId);
  const lineNumber = own(raw, 'lineNumber');
  if (typeof lineNumber !== 'number' || !Number.isInteger(lineNumber) || lineNumber < 1) addProblem(problems, 'lineNumber', 'is required and must be a whole number of at least 1', lineNumber);
  const memberId = own(raw, 'memberId');
  if (typeof memberId !== 'string' || memberId.length === 0) addProblem(problems, 'memberId', 'is required and must be a non-empty string', memberId);

  const serviceDateRaw = own(raw, 'serviceDate');
  const serviceDate = parseDay(serviceDateRaw);
  if (serviceDate < 0) addProblem(problems, 'serviceDate', 'is required and must be a real date written YYYY-MM-DD', serviceDateRaw);
  const endRaw = optional(raw, 'serviceDateEnd');
  let serviceDateEnd = null;
  if (endRaw !== undefined) {
    serviceDateEnd = parseDay(endRaw);
    if (serviceDateEnd < 0) addProblem(problems, 'serviceDateEnd', 'must be a real date written YYYY-MM-DD', endRaw);
    else if (serviceDate >= 0 && serviceDateEnd < serviceDate) addProblem(problems, 'serviceDateEnd', `must not be before serviceDate ${shown(serviceDateRaw)}`, endRaw);
  }

  const code = own(raw, 'procedureCode');
  if (typeof code !== 'string' || !CODE_FORM.test(code)) addProblem(problems, 'procedureCode', 'is required and must be 5 letters or digits', code);

  const modsRaw = optional(raw, 'modifiers');
  /** @type {string[] | null} */
  let modifiers = [];
  if (modsRaw !== undefined) {
    if (!Array.isArray(modsRaw) || modsRaw.length > 4) addProblem(problems, 'modifiers', 'must be a list of at most 4 two-character modifiers', modsRaw);
    else {
      modifiers = normaliseModifiers(modsRaw);
      if (modifiers === null) addProblem(problems, 'modifiers', 'must hold two-character modifiers only', modsRaw);
    }
  }

  const units = own(raw, 'units');
  if (typeof units !== 'number' || !Number.isFinite(units) || units <= 0) addProblem(problems, 'units', 'is required and must be a number greater than 0', units);
  const minutes = optional(raw, 'minutes');
  if (minutes !== undefined && (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 0)) addProblem(problems, 'minutes', 'must be a whole number of at least 0', minutes);
  const amount = optional(raw, 'amount');
  if (amount !== undefined && (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0)) addProblem(problems, 'amount', 'must be a number of at least 0', amount);
  const posRaw = optional(raw, 'placeOfService');
  // Two digits; a whole number 0-99 (as some systems write it) is read as its two-digit code.
  const pos = typeof posRaw === 'number' && Number.isInteger(posRaw) && posRaw >= 0 && posRaw <= 99 ? String(posRaw).padStart(2, '0') : posRaw;
  if (pos !== undefined && (typeof pos !== 'string' || !POS_FORM.test(pos))) addProblem(problems, 'placeOfService', 'must be two digits, e.g. "02"', posRaw);
  const staff = optional(raw, 'staffCredential');
  if (staff !== undefined && typeof staff !== 'string') addProblem(problems, 'staffCredential', 'must be text', staff);
  const taxonomy = optional(raw, 'renderingTaxonomy');
  if (taxonomy !== undefined && typeof taxonomy !== 'string') addProblem(problems, 'renderingTaxonomy', 'must be text', taxonomy);
  const planId = optional(raw, 'planId');
  if (planId !== undefined && typeof planId !== 'string') addProblem(problems, 'planId', 'must be text', planId);

  if (problems.length > before || modifiers === null) return null;
  const procedureCode = /** @type {string} */ (code).toUpperCase();
  return {
    claimId: /** @type {string} */ (claimId),
    lineNumber: /** @type {number} */ (lineNumber),
    memberId: /** @type {string} */ (memberId),
    serviceDate,
    serviceDateEnd,
    procedureCode,
    modifiers,
    units: /** @type {number} */ (units),
    minutes: minutes === undefined ? null : /** @type {number} */ (minutes),
    amount: amount === undefined ? null : /** @type {number} */ (amount),
    placeOfService: pos === undefined ? null : /** @type {string} */ (pos),
    staffCredential: staff === undefined ? null : /** @type {string} */ (staff).trim().toUpperCase(),
    renderingTaxonomy: taxonomy === undefined ? null : /** @type {string} */ (taxonomy),
    planId: planId === undefined ? null : /** @type {string} */ (planId),
    serviceDays: serviceDateEnd === null ? 1 : serviceDateEnd - serviceDate + 1,
    key: /** @type {string[]} */ (modifiers).length === 0 ? procedureCode : `${procedureCode}:${/** @type {string[]} */ (modifiers).join(':')}`,
  };
}

/**
 * claimId and lineNumber as they can be echoed for a record that failed its checks.
 * @param {unknown} raw
 * @returns {{ claimId: string | null, lineNumber: number | null }}
 */
function echoIds(raw) {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { claimId: null, lineNumber: null };
  const c = own(raw, 'claimId');
  const n = own(raw, 'lineNumber');
  return { claimId: typeof c === 'string' ? c : null, lineNumber: typeof n === 'number' && Number.isFinite(n) ? n : null };
}

/**
 * A field value as message templates show it.
 * @param {unknown} v
 * @param {boolean} isDate
 * @returns {string}
 */
function showValue(v, isDate) {
  if (v === null || v === undefined) return '(none)';
  if (isDate) return formatDay(/** @type {number} */ (v));
  if (Array.isArray(v)) return v.length === 0 ? '(none)' : v.join(' ');
  return String(v);
}

// Every top-level declaration is exported: bundles link this module by reference (compiler/emit/link.ts).
export { parseDay, digits, daysFromCivil, formatDay, own, shown, MAX_GROUP_DAYS, CODE_FORM, MODIFIER_FORM, POS_FORM, normaliseModifiers, addProblem, optional, checkRecord, echoIds, showValue };
