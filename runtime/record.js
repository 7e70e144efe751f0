// @ts-check
// Input records: the helpers of the record check. The check itself is generated
// per field from the record field table (compiler/fields.ts) by compiler/emit/record.ts;
// the reference interpreter's own check is compiler/record-check.ts.
// This file is plain JavaScript because bundles link its functions as written
// (compiler/emit/link.ts): every top-level declaration is exported, and functions
// use only their parameters and other runtime declarations. Nothing here may
// throw on a caller's value.

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
 * May throw for a hostile object (a throwing getter, a revoked Proxy): see readField.
 * @param {object} obj
 * @param {string} name
 * @returns {unknown}
 */
function own(obj, name) {
  return Object.prototype.hasOwnProperty.call(obj, name) ? /** @type {Record<string, unknown>} */ (obj)[name] : undefined;
}

/**
 * What readField and readOptional give for a field whose reading threw (a getter, a Proxy trap):
 * this function itself, which no record can hold (a bundle never exports it). A function, not
 * an object, so that it links into bundles as written.
 */
function unreadable() {}

/**
 * Can a record's fields be read straight off it (the quick record check)? Only a plain object whose
 * prototype is Object.prototype: JSON.parse gives these. Anything else, and anything that throws while
 * being looked at (a revoked Proxy), takes the guarded path that words each field's problem.
 * @param {unknown} raw
 */
function plainObject(raw) {
  if (raw === null || typeof raw !== 'object') return false;
  try {
    return Object.getPrototypeOf(raw) === Object.prototype;
  } catch {
    return false;
  }
}

/**
 * An optional field's value as readOptional gives it: null and "" read as undefined.
 * @param {unknown} v
 */
function absent(v) {
  return v === null || v === '' ? undefined : v;
}

/**
 * A field of a record, read once and guarded: `unreadable` when reading it throws.
 * @param {object} raw
 * @param {string} name
 * @returns {unknown}
 */
function readField(raw, name) {
  try {
    return own(raw, name);
  } catch {
    return unreadable;
  }
}

/**
 * An optional field: absent, null and "" all read as undefined; `unreadable` when reading it throws.
 * @param {object} raw
 * @param {string} name
 * @returns {unknown}
 */
function readOptional(raw, name) {
  const v = readField(raw, name);
  return v === null || v === '' ? undefined : v;
}

/**
 * Is the value an object to read fields from (not null, not a list, not a revoked Proxy)?
 * @param {unknown} raw
 * @returns {raw is object}
 */
function isRecord(raw) {
  if (raw === null || typeof raw !== 'object') return false;
  try {
    return !Array.isArray(raw);
  } catch {
    return false;
  }
}

/**
 * Why a value cannot be a record, or null when it is an object to read fields from.
 * @param {unknown} raw
 * @returns {string | null}
 */
function notARecord(raw) {
  if (raw === null || typeof raw !== 'object') return `the line is not a JSON object (got ${shown(raw)})`;
  try {
    if (!Array.isArray(raw)) return null;
  } catch {
    return 'the line could not be read (reading it raised an error)';
  }
  return `the line is not a JSON object (got ${shown(raw)})`;
}

/** Longest text shown for a value in a message; longer is cut to SHOWN_MAX - 3 characters and "...". */
const SHOWN_MAX = 40;

/**
 * A value as record problems show it: its JSON text, cut to SHOWN_MAX characters.
 * Bounded and guarded: never throws, never recurses deeper than the text it shows,
 * never reads more of a huge array or string than it shows.
 * @param {unknown} v
 * @returns {string}
 */
function shown(v) {
  if (v === undefined) return 'nothing';
  if (typeof v === 'symbol') return cut(String(v));
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  /** @type {{ text: string }} */
  const out = { text: '' };
  try {
    writeJson(out, v, '');
  } catch {
    return out.text === '' ? 'a value that cannot be read' : cut(`${out.text}...`);
  }
  return out.text === '' ? 'a value with no JSON form' : cut(out.text);
}

/**
 * @param {string} s
 * @returns {string}
 */
function cut(s) {
  return s.length > SHOWN_MAX ? `${s.slice(0, SHOWN_MAX - 3)}...` : s;
}

/**
 * A string as JSON, reading no more of it than can be shown.
 * @param {string} s
 */
function jsonString(s) {
  return JSON.stringify(s.length > SHOWN_MAX + 2 ? s.slice(0, SHOWN_MAX + 2) : s);
}

/**
 * Append the JSON text of v (as JSON.stringify writes it) to out.text, stopping once
 * more than SHOWN_MAX characters are written. May throw (a hostile value): shown() catches.
 * @param {{ text: string }} out
 * @param {unknown} v
 * @param {string} key
 * @returns {boolean} false when v has no JSON form (undefined, a function, a symbol)
 */
function writeJson(out, v, key) {
  if (v !== null && (typeof v === 'object' || typeof v === 'bigint')) {
    const toJSON = /** @type {{ toJSON?: unknown }} */ (v).toJSON;
    if (typeof toJSON === 'function') v = toJSON.call(v, key);
  }
  if (v === null) out.text += 'null';
  else if (typeof v === 'string') out.text += jsonString(v);
  else if (typeof v === 'number') out.text += Number.isFinite(v) ? String(v) : 'null';
  else if (typeof v === 'boolean') out.text += v ? 'true' : 'false';
  else if (typeof v === 'bigint') out.text += `${String(v)}n`;
  else if (typeof v !== 'object') return false;
  else if (Array.isArray(v)) {
    out.text += '[';
    const n = v.length;
    for (let i = 0; i < n && out.text.length <= SHOWN_MAX; i++) {
      if (i > 0) out.text += ',';
      if (!writeJson(out, v[i], String(i))) out.text += 'null';
    }
    out.text += ']';
  } else {
    out.text += '{';
    let first = true;
    for (const k in v) {
      if (out.text.length > SHOWN_MAX) break;
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      const at = out.text.length;
      out.text += `${first ? '' : ','}${jsonString(k)}:`;
      if (writeJson(out, /** @type {Record<string, unknown>} */ (v)[k], k)) first = false;
      else out.text = out.text.slice(0, at);
    }
    out.text += '}';
  }
  return true;
}

/** A date range joins per-day groups on at most this many days (a guard against absurd ranges). */
const MAX_GROUP_DAYS = 3660;

/**
 * Is s exactly n ASCII letters or digits? (A procedure code is 5, a modifier 2: compared character by
 * character, which is quicker than a regular expression on every line.)
 * @param {string} s
 * @param {number} n
 */
function lettersOrDigits(s, n) {
  if (s.length !== n) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    const letter = c | 32; // A-Z folded onto a-z (and nothing else onto them)
    if (letter < 97 || letter > 122) return false;
  }
  return true;
}

/**
 * Is s two ASCII digits (a place of service)?
 * @param {string} s
 */
function twoDigits(s) {
  if (s.length !== 2) return false;
  const a = s.charCodeAt(0);
  const b = s.charCodeAt(1);
  return a >= 48 && a <= 57 && b >= 48 && b <= 57;
}
/** Empty or only white space: not an identifier. */
const BLANK = /^\s*$/;

/**
 * Is a non-empty string only white space? (Most identifiers start with a letter or digit: one comparison.)
 * @param {string} s
 */
function isBlank(s) {
  const c = s.charCodeAt(0);
  return (c <= 32 || c >= 160) && BLANK.test(s);
}

/** readModifiers: the value is not a list, or a list that is too long. */
const NOT_A_LIST = 1;
/** readModifiers: an item is not a two-character modifier. */
const BAD_MODIFIER = 2;
/** readModifiers: reading the list threw. */
const UNREADABLE_LIST = 3;

/**
 * A modifiers value as a fresh list, upper-cased and sorted; or why it is not one
 * (NOT_A_LIST, BAD_MODIFIER, UNREADABLE_LIST). Guarded: a hostile list never throws.
 * @param {unknown} list
 * @param {number} most
 * @returns {string[] | number}
 */
function readModifiers(list, most) {
  try {
    if (!Array.isArray(list)) return NOT_A_LIST;
    const n = list.length;
    if (typeof n !== 'number' || n > most) return NOT_A_LIST;
    /** @type {string[]} */
    const out = [];
    for (let i = 0; i < n; i++) {
      const m = list[i];
      if (typeof m !== 'string' || !lettersOrDigits(m, 2)) return BAD_MODIFIER;
      // Sorted as it is filled (a list has at most a few items), in the order Array.prototype.sort gives strings.
      const up = m.toUpperCase();
      out.push(up);
      let k = i;
      for (; k > 0 && out[k - 1] > up; k--) out[k] = out[k - 1];
      out[k] = up;
    }
    return out;
  } catch {
    return UNREADABLE_LIST;
  }
}

/**
 * Record a problem with a field: `message (got <value as shown>)`.
 * @param {RecordProblem[]} problems
 * @param {string} field
 * @param {string} message
 * @param {unknown} got
 */
function problem(problems, field, message, got) {
  problems.push({ field, message: `${message} (got ${shown(got)})` });
}

/**
 * claimId and lineNumber as they can be echoed for a record that failed its checks.
 * @param {unknown} raw
 * @returns {{ claimId: string | null, lineNumber: number | null }}
 */
function echoIds(raw) {
  if (!isRecord(raw)) return { claimId: null, lineNumber: null };
  const c = readField(raw, 'claimId');
  const n = readField(raw, 'lineNumber');
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
  if (Array.isArray(v)) return v.length === 0 ? '(none)' : v.map((x) => (x === null ? '(none)' : isDate ? formatDay(x) : String(x))).join(' ');
  if (isDate) return formatDay(/** @type {number} */ (v));
  return String(v);
}

// Every top-level declaration is exported, so that a bundle can link this module by reference.
export { plainObject, absent, parseDay, digits, daysFromCivil, formatDay, own, unreadable, isRecord, readField, readOptional, notARecord, SHOWN_MAX, shown, cut, jsonString, writeJson, readModifiers, problem, echoIds, showValue, NOT_A_LIST, BAD_MODIFIER, UNREADABLE_LIST, MAX_GROUP_DAYS, lettersOrDigits, twoDigits, BLANK, isBlank };
