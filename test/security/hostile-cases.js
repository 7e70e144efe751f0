// @ts-check
// Hostile input records, built the same way in Node and in a browser page (this
// module imports nothing, so a page can load it as it is). Each call builds
// fresh records: a revoked Proxy or a getter cannot be shared between runs.

/**
 * @typedef {Object} HostileCase
 * @property {string} name
 * @property {unknown} record
 * @property {string | null} field the field a result must name as invalid, or null when the record may be valid
 * @property {boolean} [valid] true when the record is valid whatever hostility sits in fields the format does not have
 */

/**
 * @param {readonly string[]} fields the record's field names
 * @returns {HostileCase[]}
 */
export function hostileRecords(fields) {
  /** @type {HostileCase[]} */
  const cases = [];
  /** @param {string} name @param {unknown} record @param {string | null} field @param {boolean} [valid] */
  const add = (name, record, field, valid) => cases.push({ name, record, field, valid });
  const good = () => ({ claimId: 'C1', lineNumber: 1, memberId: 'M1', serviceDate: '2024-04-01', procedureCode: 'G9008', modifiers: ['U1'], units: 1 });
  /** @param {string} f @param {unknown} v */
  const withValue = (f, v) => Object.assign(good(), { [f]: v });
  const boom = () => {
    throw new Error('boom');
  };
  const revoked = () => {
    const p = Proxy.revocable({}, {});
    p.revoke();
    return p.proxy;
  };
  const revokedList = () => {
    const p = Proxy.revocable(['U1'], {});
    p.revoke();
    return p.proxy;
  };
  const trapsThrow = (/** @type {object} */ target) => new Proxy(target, {
    get: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom, getPrototypeOf: boom, defineProperty: boom, set: boom, deleteProperty: boom, isExtensible: boom, preventExtensions: boom,
  });
  // A value every conversion of which throws.
  const poisoned = () => ({ toString: boom, valueOf: boom, toJSON: boom, [Symbol.toPrimitive]: boom });
  const deepList = (/** @type {number} */ depth) => {
    /** @type {unknown[]} */
    let v = [];
    for (let i = 0; i < depth; i++) v = [v];
    return v;
  };
  const deepObject = (/** @type {number} */ depth) => {
    /** @type {Record<string, unknown>} */
    let v = {};
    for (let i = 0; i < depth; i++) v = { a: v };
    return v;
  };
  const circular = () => {
    /** @type {Record<string, unknown>} */
    const o = { name: 'loop' };
    o.self = o;
    return o;
  };
  const huge = 'x'.repeat(10_000_000);
  const sparse = new Array(10_000_000);
  const full = new Array(1_000_000).fill('U1');
  const poisonedToString = Object.assign(Object.create(null), { toString: boom });

  for (const f of fields) {
    // Reading the field throws: the record is invalid and the result names the field.
    add(`${f}: a throwing getter`, Object.defineProperty(good(), f, { get: boom, enumerable: true }), f);
    add(`${f}: a getter throwing a value whose toString throws`, Object.defineProperty(good(), f, { get() { throw poisonedToString; }, enumerable: true }), f);
    add(`${f}: a record Proxy whose traps throw for this field`, new Proxy(good(), {
      getOwnPropertyDescriptor: (t, k) => { if (k === f) throw new Error('no'); return Reflect.getOwnPropertyDescriptor(t, k); },
      get: (t, k, r) => { if (k === f) throw new Error('no'); return Reflect.get(t, k, r); },
    }), f);
    // Values that are hostile to look at.
    add(`${f}: a revoked Proxy`, withValue(f, revoked()), f);
    add(`${f}: a Proxy whose traps throw`, withValue(f, trapsThrow({})), f);
    add(`${f}: a list Proxy whose traps throw`, withValue(f, trapsThrow(['U1'])), f);
    add(`${f}: a revoked list Proxy`, withValue(f, revokedList()), f);
    add(`${f}: toString, valueOf, toJSON and toPrimitive throw`, withValue(f, poisoned()), f);
    add(`${f}: a 10,000-deep list`, withValue(f, deepList(10_000)), f);
    add(`${f}: a 10,000-deep object`, withValue(f, deepObject(10_000)), f);
    add(`${f}: a list of 10,000,000 holes`, withValue(f, sparse), f);
    add(`${f}: a list of 1,000,000 modifiers`, withValue(f, full), f);
    add(`${f}: a circular object`, withValue(f, circular()), f);
    add(`${f}: a function`, withValue(f, boom), f);
    add(`${f}: a symbol`, withValue(f, Symbol('s')), f);
    add(`${f}: a BigInt`, withValue(f, 10n), f);
    add(`${f}: a Date`, withValue(f, new Date(0)), f);
    add(`${f}: an invalid Date`, withValue(f, new Date(NaN)), f);
    add(`${f}: a Map`, withValue(f, new Map([['a', 1]])), f);
    // Odd numbers and long text: judged like any value (some are valid in some fields).
    for (const [label, v] of /** @type {[string, unknown][]} */ ([['NaN', NaN], ['-0', -0], ['Infinity', Infinity], ['-Infinity', -Infinity], ['1e308', 1e308], ['-1e308', -1e308], ['5e-324', 5e-324], ['10,000,000 characters', huge]])) {
      add(`${f}: ${label}`, withValue(f, v), null);
    }
  }
  // Whole records that are hostile.
  add('a revoked Proxy record', revoked(), 'record');
  add('a record Proxy whose every trap throws', trapsThrow(good()), 'claimId');
  add('a revoked Proxy list as the record', revokedList(), 'record');
  add('a function as the record', boom, 'record');
  add('a symbol as the record', Symbol('r'), 'record');
  add('a BigInt as the record', 5n, 'record');
  add('a 100,000-deep list as the record', deepList(100_000), 'record');
  add('a 100,000-deep list of modifiers', Object.assign(good(), { modifiers: deepList(100_000) }), 'modifiers');
  add('a 100,000-deep object as a claim id', Object.assign(good(), { claimId: deepObject(100_000) }), 'claimId');
  add('a poisoned object as the record', poisoned(), 'claimId');
  add('a Map as the record', new Map(Object.entries(good())), 'claimId');
  add('fields only on the prototype', Object.create(good()), 'claimId');
  add('a record with a getter returning the record itself', Object.defineProperty(good(), 'loop', { get() { return this; }, enumerable: true }), null, true);
  add('a throwing getter on a field the format does not have', Object.defineProperty(good(), 'note', { get: boom, enumerable: true }), null, true);
  add('a frozen record', Object.freeze(good()), null, true);
  add('a null-prototype record', Object.assign(Object.create(null), good()), null, true);
  add('an own __proto__ key', Object.assign(JSON.parse('{"__proto__": {"polluted": true}}'), good()), null, true);
  return cases;
}

/**
 * Run cases through the three entry points of a bundle; what each returned, or the exception it threw.
 * @param {{ validate: Function, validateLine: Function, createValidator: Function }} bundle
 * @param {() => HostileCase[]} make
 */
export function runHostile(bundle, make) {
  /** @param {() => unknown} f */
  const attempt = (f) => {
    try {
      return { results: f(), thrown: null };
    } catch (e) {
      return { results: null, thrown: String(e instanceof Error ? e.stack : e) };
    }
  };
  const validate = attempt(() => bundle.validate(make().map((c) => c.record)));
  const validateLine = attempt(() => make().map((c) => bundle.validateLine(c.record)));
  const streamed = attempt(() => {
    const v = bundle.createValidator();
    for (const c of make()) v.add(c.record);
    return v.finish();
  });
  return { validate, validateLine, streamed };
}
