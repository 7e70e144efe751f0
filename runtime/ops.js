// @ts-check
// The operators of the expression language where null can reach them
// (docs/semantics.md). Emitted code calls these when an operand's type is
// nullable, and the compiler folds constants with them, so folding and the
// bundle share one implementation; the reference interpreter
// (compiler/evaluate.ts) is written separately and the tests hold the two to
// one answer. Each function is linked into a bundle by reference
// (compiler/emit/link.ts): it must use nothing but its parameters.

/** @param {unknown} a @param {unknown} b */
export function lt(a, b) { return a !== null && b !== null && /** @type {number} */ (a) < /** @type {number} */ (b); }
/** @param {unknown} a @param {unknown} b */
export function le(a, b) { return a !== null && b !== null && /** @type {number} */ (a) <= /** @type {number} */ (b); }
/** @param {unknown} a @param {unknown} b */
export function gt(a, b) { return a !== null && b !== null && /** @type {number} */ (a) > /** @type {number} */ (b); }
/** @param {unknown} a @param {unknown} b */
export function ge(a, b) { return a !== null && b !== null && /** @type {number} */ (a) >= /** @type {number} */ (b); }
/** @param {number | null} a @param {number | null} b */
export function add(a, b) { return a === null || b === null ? null : a + b; }
/** @param {number | null} a @param {number | null} b */
export function sub(a, b) { return a === null || b === null ? null : a - b; }
/** @param {number | null} a @param {number | null} b */
export function mul(a, b) { return a === null || b === null ? null : a * b; }
/** Division; null for a null operand or a zero divisor. @param {number | null} a @param {number | null} b */
export function div(a, b) { return a === null || b === null || b === 0 ? null : a / b; }
/** @param {number | null} a */
export function neg(a) { return a === null ? null : -a; }
/** @param {number | null} a */
export function floorOf(a) { return a === null ? null : Math.floor(a); }
/**
 * The year of a date (a day number from 1970-01-01; a fraction of a day is in that day); null for null.
 * @param {number | null} day
 */
export function yearOf(day) {
  if (day === null) return null;
  const z = Math.floor(day) + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  return yoe + era * 400 + (Math.floor((5 * doy + 2) / 153) >= 10 ? 1 : 0);
}
/**
 * The month of a date, 1-12; null for null.
 * @param {number | null} day
 */
export function monthOf(day) {
  if (day === null) return null;
  const z = Math.floor(day) + 719468;
  const doe = z - Math.floor(z / 146097) * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const mp = Math.floor((5 * (doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))) + 2) / 153);
  return mp < 10 ? mp + 3 : mp - 9;
}
/** Is it a whole number? False for null. @param {unknown} a */
export function isWhole(a) { return typeof a === 'number' && Number.isInteger(a); }
/** Membership; false for null. @param {unknown} a @param {{ has(x: unknown): boolean } | readonly unknown[]} list */
export function isIn(a, list) { return a !== null && (Array.isArray(list) ? list.includes(a) : /** @type {{ has(x: unknown): boolean }} */ (list).has(a)); }

/**
 * Minutes to units by a banding: the band whose upper bound (`to`, ascending) holds the floored minutes, or past the
 * last band one more unit every `every` minutes (null when the banding does not continue). Null for null or negative.
 * @param {{ to: readonly number[], units: readonly number[], every: number | null }} banding
 * @param {number | null} m
 * @returns {number | null}
 */
export function bandUnits(banding, m) {
  if (m === null || m < 0) return null;
  const minutes = Math.floor(m);
  const to = banding.to;
  for (let i = 0; i < to.length; i++) if (minutes <= to[i]) return banding.units[i];
  if (banding.every === null) return null;
  const last = to.length - 1;
  return banding.units[last] + 1 + Math.floor((minutes - to[last] - 1) / banding.every);
}

/**
 * An entry's description for a way of delivery: its own wording for it (`deliveryDescriptions`, pairs of
 * delivery and text), else its description.
 * @param {Record<string, unknown>} e
 * @param {string} d
 * @returns {string}
 */
export function describedAs(e, d) {
  const own = /** @type {[string, string][] | undefined} */ (e.deliveryDescriptions);
  if (own !== undefined) for (let i = 0; i < own.length; i++) if (own[i][0] === d) return own[i][1];
  return /** @type {string} */ (e.description);
}
