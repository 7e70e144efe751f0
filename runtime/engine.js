// @ts-check
// The fixed part of every compiled bundle: judging lines against the tables
// and functions the printer generates for each edition. Linked into bundles
// by reference (compiler/emit/link.ts): every top-level declaration is an
// exported function that uses only its parameters and other runtime
// declarations (runtime/record.js, runtime/ops.js), which it names without
// importing them (runtime/linked.d.ts).

/**
 * @typedef {import('./record.js').LineRecord} LineRecord
 * @typedef {import('./record.js').RecordProblem} RecordProblem
 * @typedef {import('./groups.js').KeyNotes} KeyNotes
 * @typedef {{ rule: string, category: string, severity: 'error' | 'warning', message: string, cite: string }} Finding
 * @typedef {Object} Result
 * @property {number} index
 * @property {string | null} claimId
 * @property {number | null} lineNumber
 * @property {'accepted' | 'rejected' | 'out-of-scope' | 'invalid'} status
 * @property {string | null} program
 * @property {string | null} service
 * @property {string | null} delivery
 * @property {number | null} billableUnits
 * @property {string | null} guidanceVersion
 * @property {Finding[]} findings
 * @typedef {Record<string, unknown> & { program: string, service: string, combination: string }} Entry A catalogue entry as the bundle holds it.
 * @typedef {Object} Variant One way to write a combination: an entry with or without a delivery modifier.
 * @property {number} id its position among the edition's variants
 * @property {Entry} e
 * @property {string} d delivery
 * @property {number} from first day in force
 * @property {number} until first day no longer in force
 * @property {((r: LineRecord, e: Entry, d: string, u: number, f: Finding[]) => void) | null} check line rules that can apply to this variant
 * @property {(r: LineRecord) => number} billable
 * @property {((it: Item, r: LineRecord, e: Entry, d: string, u: number, f: Finding[]) => void) | null} cross cross-line rules that can apply to this variant
 * @property {(r: LineRecord, e: Entry, d: string, u: number) => Finding} notEffective
 * @property {boolean[]} member per group slot: can a line of this variant be one an aggregate counts?
 * @property {boolean} found is it so for any group?
 * @property {string[]} mods the modifiers that write it (defining, and the delivery modifier if any), sorted
 * @property {object} view what classify() returns
 * @typedef {Object} Edition
 * @property {string} version
 * @property {number} index position in the bundle's list of editions
 * @property {number} published the day the edition was published (day number)
 * @property {Set<string>} universe
 * @property {Map<string, Variant[]>} lookup variants per key, by first day in force
 * @property {Map<string, { mods: string[], variants: Variant[] }[]> | null} byModifiers the lookup as code → modifiers (variantsOf)
 * @property {{ rule: string, category: string, severity: 'error' | 'warning', cite: string }} invalid
 * @property {(r: LineRecord) => Finding} undefinedCombination
 * @property {number} toleratedUntil before this day, extra modifiers are tolerated (see toleratedVariant)
 * @property {Map<string, Variant[]>} byCode every variant of each code (for toleratedVariant)
 * @property {(r: LineRecord, extra: string[]) => Finding} tolerated the warning for a line read with extra modifiers
 * @property {((it: Item, notes: KeyNotes[]) => void) | null} group notes a kept line's group keys as it arrives (runtime/groups.js noteKey)
 * @property {((items: Item[], notes: KeyNotes[]) => void) | null} cross builds the groups (buildGroups), then runs each kept line's cross-line rules
 * @property {import('./profile.js').Choice[]} choices the plan choices the rule files declare (runtime/profile.js)
 * @property {Set<string>} defining the modifiers that define catalogue entries
 * @property {import('./profile.js').PlanTables | null} tables the compiled-in plan profile's tables (set when the bundle loads)
 * @property {string[] | null} shard the record fields every group's key holds (null: no cross-line rules; [] none in common)
 * @typedef {Object} Bundle What the printer generates for the engine.
 * @property {Edition[]} editions oldest first
 * @property {string} guidance
 * @property {{ name?: string } | null} profile the plan profile compiled in, if any
 * @property {(index: number, claimId: string | null, lineNumber: number | null, status: Result['status'], version: string | null) => Result} newResult
 * @property {(res: Result, e: Entry, d: string) => void} fillResult sets the fields a classified line takes from its entry
 * @property {boolean} keepAll keep every classified line for cross-line work (only when probing expressions)
 * @typedef {{ res: Result, r: LineRecord, x: Variant, g: import('./groups.js').Group[] | null }} Item
 *   A line kept for cross-line work: its result, record and variant (entry x.e, delivery x.d), and its groups.
 */

/**
 * The edition that judges: the newest published on or before `asOf` (YYYY-MM-DD), or the newest of all when
 * there is no `asOf`; the oldest when `asOf` is before every publication. A malformed `asOf` is the caller's
 * mistake and throws a RangeError (records never make the bundle throw; options are code).
 * @param {Bundle} B
 * @param {unknown} options
 * @returns {Edition}
 */
export function editionAsOf(B, options) {
  const editions = B.editions;
  const asOf = options !== null && typeof options === 'object' ? /** @type {{ asOf?: unknown }} */ (options).asOf : undefined;
  if (asOf === undefined || asOf === null) return editions[editions.length - 1];
  const day = parseDay(asOf);
  if (day < 0) throw new RangeError(`options.asOf must be a date written YYYY-MM-DD (got ${JSON.stringify(String(asOf))})`);
  let v = editions[0];
  for (let i = 1; i < editions.length; i++) if (editions[i].published <= day) v = editions[i];
  return v;
}

/**
 * Judge one line with its line-level rules, by the edition `v`. Returns the item for cross-line rules, or
 * just the result. Never throws: a record that cannot even be read is invalid.
 * @param {Bundle} B
 * @param {Edition} v
 * @param {unknown} raw
 * @param {number} index
 * @param {import('./profile.js').PlanTables} t the plan profile's tables (runtime/profile.js)
 * @param {RecordProblem[]} problems a list to note record problems in (emptied here; a run reuses one)
 * @returns {Item | Result}
 */
export function judgeLine(B, v, raw, index, t, problems) {
  if (problems.length !== 0) problems.length = 0;
  /** @type {LineRecord | null} */
  let r = null;
  try {
    r = checkRecord(raw, problems);
  } catch {
    problems.length = 0;
    problems.push({ field: 'record', message: 'the record could not be read (reading one of its fields failed)' });
  }
  if (r === null) {
    let ids = { claimId: /** @type {string | null} */ (null), lineNumber: /** @type {number | null} */ (null) };
    try { ids = echoIds(raw); } catch { /* the ids stay null */ }
    const rule = v.invalid;
    const res = B.newResult(index, ids.claimId, ids.lineNumber, 'invalid', null);
    for (let i = 0; i < problems.length; i++) res.findings.push({ rule: rule.rule, category: rule.category, severity: rule.severity, message: problems[i].message, cite: rule.cite });
    return res;
  }
  const res = B.newResult(index, r.claimId, r.lineNumber, 'accepted', v.version);
  const variants = variantsOf(v, r.procedureCode, r.modifiers);
  /** @type {Variant} */
  let x;
  if (variants === undefined) {
    if (!v.universe.has(r.procedureCode) || (t.outOfScope && lacksGuidanceModifier(v, r.modifiers))) {
      res.status = 'out-of-scope';
      return res;
    }
    const tolerated = r.serviceDate < v.toleratedUntil ? toleratedVariant(v, r) : null;
    if (tolerated === null) {
      res.status = 'rejected';
      res.findings.push(v.undefinedCombination(r));
      return res;
    }
    x = tolerated;
    res.findings.push(v.tolerated(r, extraModifiers(r.modifiers, x.mods)));
  } else {
    x = variants[0];
    for (let k = 1; k < variants.length; k++) if (variants[k].from <= r.serviceDate) x = variants[k];
  }
  const e = x.e;
  B.fillResult(res, e, x.d);
  const u = x.billable(r);
  res.billableUnits = u;
  if (r.serviceDate < x.from || r.serviceDate >= x.until) res.findings.push(x.notEffective(r, e, x.d, u));
  if (t.refused !== null) {
    // Plan profile: an alternative the plan did not select (runtime/profile.js).
    const c = t.refused.get(e.combination);
    if (c !== undefined) res.findings.push({ rule: c.rule, category: c.category, severity: c.severity, message: c.message, cite: c.cite });
  }
  if (x.check !== null) x.check(r, e, x.d, u, res.findings);
  // Only lines that cross-line rules judge or count need to be kept for them.
  if (x.cross === null && !x.found && !B.keepAll) return res;
  return { res, r, x, g: null };
}

/**
 * The variants a code and its modifiers (upper-cased, sorted) write, by a two-level lookup — code, then the
 * modifiers compared in place — so that no key is built per line; undefined when they write none. The table
 * is made from the edition's lookup on first use.
 * @param {Edition} v
 * @param {string} code
 * @param {string[]} mods
 * @returns {Variant[] | undefined}
 */
export function variantsOf(v, code, mods) {
  let table = v.byModifiers;
  if (table === null) table = v.byModifiers = modifierTable(v.lookup);
  const rows = table.get(code);
  if (rows === undefined) return undefined;
  for (let k = 0; k < rows.length; k++) {
    const want = rows[k].mods;
    if (want.length !== mods.length) continue;
    let same = true;
    for (let j = 0; j < want.length && same; j++) same = want[j] === mods[j];
    if (same) return rows[k].variants;
  }
  return undefined;
}

/**
 * An edition's lookup (keys "CODE:MOD:MOD", modifiers sorted) as code → rows of modifiers and variants.
 * @param {Map<string, Variant[]>} lookup
 * @returns {Map<string, { mods: string[], variants: Variant[] }[]>}
 */
export function modifierTable(lookup) {
  /** @type {Map<string, { mods: string[], variants: Variant[] }[]>} */
  const table = new Map();
  for (const [key, variants] of lookup) {
    const [code, ...mods] = key.split(':');
    const rows = table.get(code);
    if (rows === undefined) table.set(code, [{ mods, variants }]);
    else rows.push({ mods, variants });
  }
  return table;
}

/**
 * Before a guidance closed its code universe to extra modifiers, a line whose modifiers hold exactly one
 * combination of its code (plus other modifiers, none repeated) is read as that combination: the variant of
 * it that uses the most of the line's modifiers. Null when there is no such combination, or more than one.
 * @param {Edition} v
 * @param {LineRecord} r
 * @returns {Variant | null}
 */
export function toleratedVariant(v, r) {
  const mods = r.modifiers;
  for (let i = 1; i < mods.length; i++) if (mods[i] === mods[i - 1]) return null;
  const candidates = v.byCode.get(r.procedureCode);
  if (candidates === undefined) return null;
  /** @type {Variant | null} */
  let best = null;
  for (let k = 0; k < candidates.length; k++) {
    const c = candidates[k];
    if (r.serviceDate < c.from || r.serviceDate >= c.until) continue;
    let all = true;
    for (let i = 0; i < c.mods.length && all; i++) all = mods.includes(c.mods[i]);
    if (!all) continue;
    if (best !== null && best.e !== c.e) return null; // two combinations: which one was meant is not for us to guess
    if (best === null || c.mods.length > best.mods.length) best = c;
  }
  return best;
}

/**
 * The modifiers of a line that a variant does not use, in the line's order.
 * @param {string[]} mods
 * @param {string[]} used
 */
export function extraModifiers(mods, used) {
  return mods.filter((m) => !used.includes(m));
}

/**
 * A finding's message as one flat string. Text built with `+` is a tree of its pieces until something reads
 * it; reading a character makes the engine copy it into one string, which a result then keeps in less memory
 * (and a writer serialises without walking the tree).
 * @param {string} s
 */
export function flatText(s) {
  s.charCodeAt(0);
  return s;
}

/**
 * A result's status once its findings are in: an error finding rejects an accepted line.
 * @param {Result} res
 */
export function settle(res) {
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
 * Lines no cross-line rule judges or counts are kept only as their result.
 * @param {Bundle} B
 * @param {unknown} [options] `{ asOf, profile }`: judge by the edition known on that date, under a plan profile
 */
export function startValidation(B, options) {
  const edition = editionAsOf(B, options);
  const tables = tablesFor(B, edition, options);
  /** @type {Result[]} */
  const out = [];
  // Every line is judged by one edition: its kept lines, and their group keys (noted as lines arrive, while
  // their records are at hand).
  /** @type {Item[]} */
  const kept = [];
  /** @type {KeyNotes[]} */
  const notes = [];
  /** @type {RecordProblem[]} */
  const problems = [];
  let finished = false;
  return {
    /** @param {unknown} raw */
    add(raw) {
      if (finished) throw new Error('validation already finished');
      const j = judgeLine(B, edition, raw, out.length, tables, problems);
      if ('res' in j) {
        out.push(j.res);
        kept.push(j);
        if (edition.group !== null) edition.group(j, notes);
      } else {
        out.push(settle(j)); // no other line can change it: final now
      }
    },
    /**
     * The kept line of an input index, or null (used when probing expressions).
     * @param {number} index
     * @returns {Item | null}
     */
    item(index) {
      for (const it of kept) if (it.res.index === index) return it;
      return null;
    },
    /** @returns {Result[]} */
    finish() {
      if (!finished) {
        finished = true;
        if (edition.cross !== null && kept.length > 0) edition.cross(kept, notes);
        for (let i = 0; i < kept.length; i++) settle(kept[i].res);
      }
      return out;
    },
  };
}

/**
 * The shard of a line for cross-line work: lines whose shards differ never change each other's results, so a
 * caller with more lines than memory can judge each shard on its own (one createValidator per shard) and put
 * the results back in input order. Null when the line changes and is changed by no other (a record that is
 * not valid, or an edition without cross-line rules): validateLine alone judges it.
 *
 * The key fields are read first on their own, as the quick record check reads them: when they are right the
 * line has their key, whatever its other fields. A line that is not valid then has a key too, which is as
 * good: it changes no other line's result and no other line changes its own, in whichever shard it is judged.
 * @param {Bundle} B
 * @param {unknown} raw
 * @param {unknown} [options]
 * @returns {string | null}
 */
export function shardKeyOf(B, raw, options) {
  const fields = editionAsOf(B, options).shard;
  if (fields === null) return null;
  const quick = shardKeyText(fields, (f) => readKeyField(raw, f));
  if (quick !== null) return quick;
  /** @type {LineRecord | null} */
  let r = null;
  try {
    r = checkRecord(raw, []);
  } catch {
    return null;
  }
  if (r === null) return null;
  const record = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (r));
  return shardKeyText(fields, (f) => record[f]);
}

/**
 * The shard key of the values of `fields` (the value itself as text for one field, else their list as JSON),
 * or null when one of them is unreadable.
 * @param {string[]} fields
 * @param {(field: string) => unknown} value
 * @returns {string | null}
 */
export function shardKeyText(fields, value) {
  if (fields.length === 1) {
    const v = value(fields[0]);
    return v === unreadable ? null : String(v);
  }
  const values = fields.map(value);
  return values.includes(unreadable) ? null : JSON.stringify(values);
}

/**
 * The items of whatever a caller passed as "lines": an array, any iterable, or nothing. Never throws: an
 * iterable that fails part way gives the items read before it failed.
 * @param {unknown} lines
 * @returns {unknown[]}
 */
export function linesOf(lines) {
  try {
    if (Array.isArray(lines)) return lines.length >= 0 ? lines : [];
    if (lines === null || typeof lines !== 'object' || !(Symbol.iterator in lines)) return [];
    /** @type {unknown[]} */
    const out = [];
    for (const line of /** @type {Iterable<unknown>} */ (lines)) out.push(line);
    return out;
  } catch {
    return [];
  }
}

/**
 * All rules, cross-line ones included; one result per input, same order.
 * @param {Bundle} B
 * @param {unknown} lines
 * @param {unknown} [options]
 * @returns {Result[]}
 */
export function validateLines(B, lines, options) {
  const run = startValidation(B, options);
  const list = linesOf(lines);
  let n = 0;
  try { n = list.length; } catch { n = 0; }
  for (let i = 0; i < n; i++) {
    let line;
    try { line = list[i]; } catch { line = undefined; }
    run.add(line);
  }
  return run.finish();
}

/**
 * Line-level rules only.
 * @param {Bundle} B
 * @param {unknown} line
 * @param {unknown} [options]
 * @returns {Result}
 */
export function validateOneLine(B, line, options) {
  const v = editionAsOf(B, options);
  const j = judgeLine(B, v, line, 0, tablesFor(B, v, options), []);
  return settle('res' in j ? j.res : j);
}

/**
 * The catalogue entry a code and modifiers define in the newest edition (in force on serviceDate when one is
 * given), or null. What it returns is frozen: callers share it.
 * @param {Bundle} B
 * @param {unknown} procedureCode
 * @param {unknown} modifiers
 * @param {unknown} serviceDate
 */
export function classifyCombination(B, procedureCode, modifiers, serviceDate) {
  try {
    return classifyKnown(B, procedureCode, modifiers, serviceDate);
  } catch {
    return null; // arguments that cannot be read (a revoked Proxy, a throwing getter) classify as nothing
  }
}

/**
 * classify() on arguments that read without throwing.
 * @param {Bundle} B
 * @param {unknown} procedureCode
 * @param {unknown} modifiers
 * @param {unknown} serviceDate
 */
export function classifyKnown(B, procedureCode, modifiers, serviceDate) {
  if (typeof procedureCode !== 'string') return null;
  const mods = modifiers == null ? [] : Array.isArray(modifiers) ? modifiers.slice(0, 8) : [modifiers];
  for (let i = 0; i < mods.length; i++) if (typeof mods[i] !== 'string') return null;
  const sorted = mods.map((m) => m.toUpperCase()).sort();
  const key = sorted.length === 0 ? procedureCode.toUpperCase() : `${procedureCode.toUpperCase()}:${sorted.join(':')}`;
  const day = serviceDate === undefined || serviceDate === null ? null : parseDay(serviceDate);
  if (day !== null && day < 0) return null;
  const v = B.editions[B.editions.length - 1];
  const variants = v.lookup.get(key);
  if (variants === undefined) return null;
  if (day === null) return variants[variants.length - 1].view;
  for (let k = variants.length - 1; k >= 0; k--) {
    const x = variants[k];
    if (x.from <= day && day < x.until) return x.view;
  }
  return null;
}
