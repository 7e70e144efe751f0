// @ts-check
// Plan profiles in a bundle: the choices the rule files declare (printed per edition as data) and the profile
// that selects among them — compiled in, or given as `options.profile` — become tables the engine reads while
// judging a line (PlanTables): the combinations the plan did not select, each with its finding, and whether
// guidance codes without any of the guidance's modifiers are out of scope. A compiled-in profile's tables are
// made once, when the bundle loads; `options.profile`'s once per run. Linked by reference like
// runtime/engine.js: every declaration is an exported function using only its parameters and other runtime
// declarations.

/**
 * @typedef {import('./engine.js').Edition} Edition
 * @typedef {import('./engine.js').Finding} Finding
 * @typedef {{ name: string, label: string, combinations: string[] }} Alternative
 * @typedef {{ id: string, title: string, category: string, severity: 'error' | 'warning', cite: string, default: string[] | null, alternatives: Alternative[] }} Choice
 * @typedef {{ name: string | null, choices: Map<string, string[]>, outOfScope: boolean }} CheckedProfile
 * @typedef {{ refused: Map<string, Finding> | null, outOfScope: boolean }} PlanTables
 */

/**
 * The tables edition `v` judges by: those of `options.profile`, or the bundle's own (its compiled-in profile,
 * or the rule files' defaults) when there is none. A profile that does not fit the bundle is the caller's
 * mistake and throws a RangeError naming what is wrong.
 * @param {import('./engine.js').Bundle} B
 * @param {Edition} v
 * @param {unknown} options
 * @returns {PlanTables}
 */
export function tablesFor(B, v, options) {
  const given = options !== null && typeof options === 'object' ? /** @type {{ profile?: unknown }} */ (options).profile : undefined;
  if (given === undefined || given === null) return /** @type {PlanTables} */ (v.tables);
  if (B.profile !== null) {
    throw new RangeError(`options.profile: this bundle was compiled with the plan profile ${JSON.stringify(B.profile.name)}; compile it without one to choose a profile when validating`);
  }
  return profileTables(v, checkProfile(B.editions, B.guidance, given));
}

/**
 * A profile object checked against the choices of the bundle's editions. Accepts what a profile file holds:
 * `{ name?, guidance?, description?, codesWithoutGuidanceModifiers?, choices?: { <choice>: <alternative> | [<alternative>, …] } }`.
 * @param {Edition[]} editions
 * @param {string} guidance
 * @param {unknown} given
 * @returns {CheckedProfile}
 */
export function checkProfile(editions, guidance, given) {
  const fail = (/** @type {string} */ what) => { throw new RangeError(`options.profile: ${what}`); };
  if (given === null || typeof given !== 'object' || Array.isArray(given)) return fail('must be a plan profile object');
  const p = /** @type {Record<string, unknown>} */ (given);
  for (const key of Object.keys(p)) {
    if (!['name', 'guidance', 'description', 'codesWithoutGuidanceModifiers', 'choices', '$schema'].includes(key)) fail(`unknown key ${JSON.stringify(key)} (a profile has name, guidance, description, codesWithoutGuidanceModifiers and choices)`);
  }
  if (p.name !== undefined && typeof p.name !== 'string') fail('name must be text');
  if (p.guidance !== undefined && p.guidance !== guidance) fail(`written for the guidance ${JSON.stringify(String(p.guidance))}, not ${JSON.stringify(guidance)}`);
  const scope = p.codesWithoutGuidanceModifiers;
  if (scope !== undefined && scope !== 'out-of-scope' && scope !== 'undefined-combination') fail('codesWithoutGuidanceModifiers must be "out-of-scope" or "undefined-combination"');
  /** @type {Map<string, string[]>} */
  const choices = new Map();
  const chosen = p.choices === undefined || p.choices === null ? {} : p.choices;
  if (typeof chosen !== 'object' || Array.isArray(chosen)) return fail('choices must map each choice to an alternative');
  /** @type {Map<string, Set<string>>} */
  const known = new Map();
  for (const v of editions) {
    for (const c of v.choices) {
      const names = known.get(c.id) ?? new Set();
      for (const a of c.alternatives) names.add(a.name);
      known.set(c.id, names);
    }
  }
  for (const id of Object.keys(chosen)) {
    const names = known.get(id);
    if (names === undefined) fail(`no choice ${JSON.stringify(id)} in this bundle (choices: ${[...known.keys()].join(', ') || 'none'})`);
    const value = /** @type {Record<string, unknown>} */ (chosen)[id];
    const list = typeof value === 'string' ? [value] : Array.isArray(value) && value.length > 0 ? value : null;
    if (list === null) return fail(`choices.${id} must be an alternative or a list of them`);
    for (const a of list) {
      if (typeof a !== 'string' || !(/** @type {Set<string>} */ (names)).has(a)) fail(`choice ${id} has no alternative ${JSON.stringify(a)} (alternatives: ${[.../** @type {Set<string>} */ (names)].join(', ')})`);
    }
    choices.set(id, list.map(String));
  }
  return { name: typeof p.name === 'string' ? p.name : null, choices, outOfScope: scope === 'out-of-scope' };
}

/**
 * An edition's tables under a checked profile (null: the rule files' defaults alone): `refused` maps each
 * combination the plan did not select to its finding; `outOfScope` says whether a code reported without any
 * of the guidance's modifiers is out of scope.
 * @param {Edition} v
 * @param {CheckedProfile | null} p
 * @returns {PlanTables}
 */
export function profileTables(v, p) {
  /** @type {Map<string, Finding> | null} */
  let refused = null;
  for (const c of v.choices) {
    let allowed = c.default;
    let byProfile = false;
    const selected = p === null ? undefined : p.choices.get(c.id);
    if (selected !== undefined) {
      // An edition whose choice lacks every selected alternative keeps its default.
      const here = selected.filter((name) => c.alternatives.some((a) => a.name === name));
      if (here.length > 0) {
        allowed = here;
        byProfile = true;
      }
    }
    if (allowed === null) continue;
    const allowedList = allowed;
    const chosen = c.alternatives.filter((a) => allowedList.includes(a.name)).map((a) => `${a.label} (${a.combinations.map((k) => k.replace(/:/g, ' ')).join(', ')})`).join(' or ');
    const by = byProfile ? `the plan profile${p !== null && p.name !== null ? ` "${p.name}"` : ''} selects` : 'when a plan profile says nothing, the rule files allow';
    for (const a of c.alternatives) {
      if (allowedList.includes(a.name)) continue;
      for (const k of a.combinations) {
        if (refused === null) refused = new Map();
        refused.set(k, { rule: c.id, category: c.category, severity: c.severity, message: `${k.replace(/:/g, ' ')} (${a.label}) is not the plan's choice for ${c.title}: ${by} ${chosen}`, cite: c.cite });
      }
    }
  }
  return { refused, outOfScope: p !== null && p.outOfScope };
}

/**
 * The bundle with every edition's tables set from its compiled-in profile (or the rule files' defaults).
 * @param {import('./engine.js').Bundle} B
 */
export function withCompiledProfile(B) {
  const p = B.profile === null ? null : checkProfile(B.editions, B.guidance, B.profile);
  for (const v of B.editions) v.tables = profileTables(v, p);
  return B;
}

/**
 * Does a line carry none of the modifiers that define the edition's catalogue entries (delivery modifiers and
 * modifiers the guidance does not define aside)?
 * @param {Edition} v
 * @param {string[]} mods
 */
export function lacksGuidanceModifier(v, mods) {
  for (let i = 0; i < mods.length; i++) if (v.defining.has(mods[i])) return false;
  return true;
}
