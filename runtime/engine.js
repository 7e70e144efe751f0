// @ts-check
// The fixed part of every compiled bundle: judging lines against the tables
// and functions the emitter generates for each guidance version. Plain
// JavaScript, inlined as written; it may use the functions of record.js.
import { echoIds, MAX_GROUP_DAYS, parseDay } from './record.js';
import { checkRecord } from './generated.js';

/**
 * @typedef {import('./record.js').LineRecord} LineRecord
 * @typedef {{ rule: string, category: string, severity: 'error' | 'warning', message: string, cite: string }} Finding
 * @typedef {Object} Result
 * @property {number} index
 * @property {string | null} claimId
 * @property {number | null} lineNumber
 * @property {'accepted' | 'rejected' | 'out-of-scope' | 'invalid'} status
 * @property {string | null} program
 * @property {string | null} service
 * @property {string | null} delivery
 * @property {string | null} staff
 * @property {boolean | null} outreach
 * @property {number | null} billableUnits
 * @property {string | null} guidanceVersion
 * @property {Finding[]} findings
 * @typedef {Object} Entry A catalogue entry as the bundle shows it.
 * @property {string} program
 * @property {string} service
 * @property {string | null} staff
 * @property {boolean} outreach
 * @typedef {Object} Variant One way to write a combination: an entry with or without a delivery modifier.
 * @property {Entry} e
 * @property {string} d delivery
 * @property {number} from first day in force
 * @property {number} until first day no longer in force
 * @property {((r: LineRecord, e: Entry, d: string, f: Finding[]) => void) | null} check line rules that can apply to this variant
 * @property {(r: LineRecord) => number} billable
 * @property {((it: Item, r: LineRecord, e: Entry, d: string, f: Finding[]) => void) | null} cross cross-line rules that can apply to this variant
 * @property {boolean[]} member per group slot: can a line of this variant be the other line an aggregate looks for?
 * @property {boolean} found is it so for any group?
 * @property {object} view what classify() returns
 * @typedef {Object} Version
 * @property {string} version
 * @property {number} index position in the bundle's list of versions
 * @property {number} appliesFrom
 * @property {Set<string>} universe
 * @property {Map<string, Variant[]>} lookup variants per key, by first day in force
 * @property {{ rule: string, category: string, severity: 'error' | 'warning', cite: string }} invalid
 * @property {(r: LineRecord) => Finding} undefinedCombination
 * @property {(r: LineRecord, e: Entry, d: string) => Finding} notEffective
 * @property {((items: Item[]) => void) | null} cross
 * @typedef {{ res: Result, r: LineRecord, e: Entry, d: string, x: Variant, f: Finding[], v: Version, g: Item[][][] | null }} Item
 */

/**
 * The version in force on a day: the last whose appliesFrom is on or before it, else the first.
 * @param {Version[]} versions sorted by appliesFrom
 * @param {number} day
 */
function pickVersion(versions, day) {
  let v = versions[0];
  for (let i = 1; i < versions.length; i++) if (versions[i].appliesFrom <= day) v = versions[i];
  return v;
}

/**
 * Judge one line with its line-level rules. Returns the item for cross-line rules, or just the result.
 * @param {Version[]} versions
 * @param {unknown} raw
 * @param {number} index
 * @returns {Item | Result}
 */
function judgeLine(versions, raw, index) {
  /** @type {import('./record.js').RecordProblem[]} */
  const problems = [];
  const r = checkRecord(raw, problems);
  if (r === null) {
    const ids = echoIds(raw);
    const rule = versions[0].invalid;
    return {
      index, claimId: ids.claimId, lineNumber: ids.lineNumber, status: 'invalid',
      program: null, service: null, delivery: null, staff: null, outreach: null, billableUnits: null, guidanceVersion: null,
      findings: problems.map((p) => ({ rule: rule.rule, category: rule.category, severity: rule.severity, message: p.message, cite: rule.cite })),
    };
  }
  const v = pickVersion(versions, r.serviceDate);
  /** @type {Result} */
  const res = {
    index, claimId: r.claimId, lineNumber: r.lineNumber, status: 'accepted',
    program: null, service: null, delivery: null, staff: null, outreach: null, billableUnits: null, guidanceVersion: v.version,
    findings: [],
  };
  const variants = v.lookup.get(r.key);
  if (variants === undefined) {
    if (v.universe.has(r.procedureCode)) {
      res.status = 'rejected';
      res.findings.push(v.undefinedCombination(r));
    } else {
      res.status = 'out-of-scope';
    }
    return res;
  }
  let x = variants[0];
  for (let k = 1; k < variants.length; k++) if (variants[k].from <= r.serviceDate) x = variants[k];
  const e = x.e;
  res.program = e.program;
  res.service = e.service;
  res.delivery = x.d;
  res.staff = e.staff;
  res.outreach = e.outreach;
  res.billableUnits = x.billable(r);
  if (r.serviceDate < x.from || r.serviceDate >= x.until) res.findings.push(v.notEffective(r, e, x.d));
  if (x.check !== null) x.check(r, e, x.d, res.findings);
  // Only lines that cross-line rules judge or look for need to be kept for them.
  if (x.cross === null && !x.found) return res;
  return { res, r, e, d: x.d, x, f: res.findings, v, g: null };
}

/**
 * @param {Result} res
 */
function settle(res) {
  if (res.status !== 'accepted') return res;
  const f = res.findings;
  for (let i = 0; i < f.length; i++) {
    if (f[i].severity === 'error') {
      res.status = 'rejected';
      break;
    }
  }
  return res;
}

/**
 * Judge lines one at a time (so callers need not hold their input), then the
 * cross-line rules once every line is in: one result per line, in order.
 * Lines no cross-line rule judges or looks for are kept only as their result.
 * @param {Version[]} versions
 */
function startValidation(versions) {
  /** @type {Result[]} */
  const out = [];
  /** @type {Item[][]} */
  const byVersion = versions.map(() => []);
  let finished = false;
  return {
    /** @param {unknown} raw */
    add(raw) {
      if (finished) throw new Error('validation already finished');
      const j = judgeLine(versions, raw, out.length);
      if ('res' in j) {
        out.push(j.res);
        byVersion[j.v.index].push(j);
      } else {
        out.push(j);
      }
    },
    /** @returns {Result[]} */
    finish() {
      if (!finished) {
        finished = true;
        for (let k = 0; k < versions.length; k++) {
          const cross = versions[k].cross;
          if (cross !== null && byVersion[k].length > 1) cross(byVersion[k]);
        }
        for (let i = 0; i < out.length; i++) settle(out[i]);
      }
      return out;
    },
  };
}

/**
 * All rules, cross-line ones included; one result per input, same order.
 * @param {Version[]} versions
 * @param {unknown} lines
 * @returns {Result[]}
 */
function validateLines(versions, lines) {
  const list = Array.isArray(lines) ? lines : lines != null && typeof lines === 'object' && Symbol.iterator in lines ? Array.from(/** @type {Iterable<unknown>} */ (lines)) : [];
  const run = startValidation(versions);
  for (let i = 0; i < list.length; i++) run.add(list[i]);
  return run.finish();
}

/**
 * Line-level rules only.
 * @param {Version[]} versions
 * @param {unknown} line
 * @returns {Result}
 */
function validateOneLine(versions, line) {
  const j = judgeLine(versions, line, 0);
  return settle('res' in j ? j.res : j);
}

/**
 * The catalogue entry a code and modifiers define (in force on serviceDate when one is given), or null.
 * @param {Version[]} versions
 * @param {unknown} procedureCode
 * @param {unknown} modifiers
 * @param {unknown} serviceDate
 */
function classifyCombination(versions, procedureCode, modifiers, serviceDate) {
  if (typeof procedureCode !== 'string') return null;
  const mods = modifiers == null ? [] : Array.isArray(modifiers) ? modifiers : [modifiers];
  if (!mods.every((m) => typeof m === 'string')) return null;
  const sorted = mods.map((m) => m.toUpperCase()).sort();
  const key = sorted.length === 0 ? procedureCode.toUpperCase() : `${procedureCode.toUpperCase()}:${sorted.join(':')}`;
  const day = serviceDate === undefined || serviceDate === null ? null : parseDay(serviceDate);
  if (day !== null && day < 0) return null;
  const v = day === null ? versions[versions.length - 1] : pickVersion(versions, day);
  const variants = v.lookup.get(key);
  if (variants === undefined) return null;
  if (day === null) return variants[variants.length - 1].view;
  for (let k = variants.length - 1; k >= 0; k--) {
    const x = variants[k];
    if (x.from <= day && day < x.until) return x.view;
  }
  return null;
}

/**
 * Build one group: the lines that can be found by its aggregates go into buckets
 * of equal keys (per day: one bucket per day covered); each line that runs
 * cross-line rules gets the buckets it looks in.
 * @param {Item[]} items
 * @param {number} slot
 * @param {(r: LineRecord) => string} keyOf
 * @param {boolean} perDay
 */
function groupInto(items, slot, keyOf, perDay) {
  /** @type {Map<string, Item[]>} */
  const buckets = new Map();
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (!it.x.member[slot]) continue;
    const r = it.r;
    const k = keyOf(r);
    const last = perDay ? lastGroupDay(r) : r.serviceDate;
    for (let day = r.serviceDate; day <= last; day++) {
      const key = perDay ? `${k}\u0000${day}` : k;
      const b = buckets.get(key);
      if (b === undefined) buckets.set(key, [it]);
      else b.push(it);
    }
  }
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (it.x.cross === null) continue;
    const r = it.r;
    const k = keyOf(r);
    /** @type {Item[][]} */
    const mine = [];
    const last = perDay ? lastGroupDay(r) : r.serviceDate;
    for (let day = r.serviceDate; day <= last; day++) {
      const b = buckets.get(perDay ? `${k}\u0000${day}` : k);
      if (b !== undefined) mine.push(b);
    }
    if (it.g === null) it.g = [];
    it.g[slot] = mine;
  }
}

/**
 * The last day a line joins per-day groups on.
 * @param {LineRecord} r
 */
function lastGroupDay(r) {
  return Math.min(r.serviceDateEnd === null ? r.serviceDate : r.serviceDateEnd, r.serviceDate + MAX_GROUP_DAYS - 1);
}

/**
 * Is there another line in the item's group for which pred holds?
 * @param {Item} it
 * @param {number} slot
 * @param {(o: Item) => boolean} pred
 */
function anyIn(it, slot, pred) {
  const buckets = /** @type {Item[][][]} */ (it.g)[slot];
  for (let b = 0; b < buckets.length; b++) {
    const list = buckets[b];
    for (let j = 0; j < list.length; j++) {
      const o = list[j];
      if (o !== it && pred(o)) return true;
    }
  }
  return false;
}

/**
 * How many other lines of the item's group satisfy pred (each line counted once).
 * @param {Item} it
 * @param {number} slot
 * @param {(o: Item) => boolean} pred
 */
function countIn(it, slot, pred) {
  const buckets = /** @type {Item[][][]} */ (it.g)[slot];
  const seen = buckets.length > 1 ? new Set() : null;
  let n = 0;
  for (let b = 0; b < buckets.length; b++) {
    const list = buckets[b];
    for (let j = 0; j < list.length; j++) {
      const o = list[j];
      if (o === it || (seen !== null && seen.has(o))) continue;
      if (seen !== null) seen.add(o);
      if (pred(o)) n++;
    }
  }
  return n;
}

/** @param {unknown} a @param {unknown} b */
function lt(a, b) { return a !== null && b !== null && /** @type {number} */ (a) < /** @type {number} */ (b); }
/** @param {unknown} a @param {unknown} b */
function le(a, b) { return a !== null && b !== null && /** @type {number} */ (a) <= /** @type {number} */ (b); }
/** @param {unknown} a @param {unknown} b */
function gt(a, b) { return a !== null && b !== null && /** @type {number} */ (a) > /** @type {number} */ (b); }
/** @param {unknown} a @param {unknown} b */
function ge(a, b) { return a !== null && b !== null && /** @type {number} */ (a) >= /** @type {number} */ (b); }
/** @param {number | null} a @param {number | null} b */
function add(a, b) { return a === null || b === null ? null : a + b; }
/** @param {number | null} a @param {number | null} b */
function sub(a, b) { return a === null || b === null ? null : a - b; }
/** @param {number | null} a @param {number | null} b */
function mul(a, b) { return a === null || b === null ? null : a * b; }
/** @param {number | null} a @param {number | null} b */
function div(a, b) { return a === null || b === null ? null : a / b; }
/** @param {number | null} a */
function neg(a) { return a === null ? null : -a; }
/** @param {number | null} a */
function floorOf(a) { return a === null ? null : Math.floor(a); }
/** @param {unknown} a @param {{ has(x: unknown): boolean } | { includes(x: unknown): boolean }} list */
function isIn(a, list) { return a !== null && ('has' in list ? list.has(a) : list.includes(a)); }

export { startValidation, validateLines, validateOneLine, classifyCombination, groupInto, anyIn, countIn, lt, le, gt, ge, add, sub, mul, div, neg, floorOf, isIn };
