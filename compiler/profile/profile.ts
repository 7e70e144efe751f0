/**
 * Plan profile files: a plan's selections among the choices a guidance's rule
 * files declare (compiler/profile/choices.ts). Loaded like rule files — YAML
 * with positions, the published JSON Schema (compiler/schema/profile.schema.json),
 * then checks against the choices — and reported the same way:
 * `path:line:col: error CODE message` with a hint. Never throws on bad input.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative, resolve } from 'node:path';
import type { ErrorObject } from 'ajv';
import { didYouMean, hasErrors, type Diagnostic } from '../diagnostics.ts';
import { pickErrors, toDiagnostic } from '../schema.ts';
import { diagnosticAt, fileDiagnostic, loadSource, type SourceFile } from '../source.ts';

/** Where the profile schema lives, for editors and for the README. */
export const PROFILE_SCHEMA_URL = new URL('../schema/profile.schema.json', import.meta.url);

/** A plan profile as a file holds it and as `options.profile` of a bundle takes it. */
export interface ProfileObject {
  name?: string;
  guidance?: string;
  description?: string;
  /** A guidance code reported with none of the guidance's defining modifiers: `undefined-combination` (default) or `out-of-scope`. */
  codesWithoutGuidanceModifiers?: 'undefined-combination' | 'out-of-scope';
  /** Choice id → the alternative selected, or the alternatives allowed. */
  choices?: Record<string, string | string[]>;
}

/** What a profile is checked against: the guidance id and the choices its editions declare. */
export interface ChoiceCatalog {
  guidance: string;
  choices: readonly { id: string; alternatives: readonly { name: string }[] }[];
}

/** The choices of checked rule sets (every edition's; one entry per id), for checking profiles. */
export function choiceCatalog(guidance: string, editions: readonly { choices: ReadonlyMap<string, { id: string; alternatives: readonly { name: string }[] }> }[]): ChoiceCatalog {
  const byId = new Map<string, Set<string>>();
  for (const rs of editions) {
    for (const c of rs.choices.values()) {
      const names = byId.get(c.id) ?? new Set<string>();
      for (const a of c.alternatives) names.add(a.name);
      byId.set(c.id, names);
    }
  }
  return { guidance, choices: [...byId].map(([id, names]) => ({ id, alternatives: [...names].map((name) => ({ name })) })) };
}

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
let validateProfile: Validate | null = null;

/** The profile schema's validator, compiled on first use (Ajv is loaded only when a profile is). */
function profileValidator(): Validate {
  if (validateProfile === null) {
    const Ajv = (createRequire(import.meta.url)('ajv') as { default: new (o: object) => { compile(s: object): Validate } }).default;
    const schema = JSON.parse(readFileSync(PROFILE_SCHEMA_URL, 'utf8')) as object;
    validateProfile = new Ajv({ allErrors: true, verbose: true, strict: false }).compile(schema);
  }
  return validateProfile;
}

/** Read a profile file and check it against the choices it selects among. */
export function loadProfile(path: string, catalog: ChoiceCatalog): { profile: ProfileObject | null; diagnostics: Diagnostic[] } {
  const shown = relative(process.cwd(), resolve(path)) || path;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { profile: null, diagnostics: [fileDiagnostic(shown, 'read-error', `cannot read the plan profile: ${(err as Error).message}`, 'give the path of a profile file, e.g. rules/dhcs-ecm-cs/profiles/per-diem-housing.yaml')] };
  }
  return checkProfileText(shown, text, catalog);
}

/** Check a profile's text (`shown` is the path diagnostics name). */
export function checkProfileText(shown: string, text: string, catalog: ChoiceCatalog): { profile: ProfileObject | null; diagnostics: Diagnostic[] } {
  const loaded = loadSource(shown, text);
  if (hasErrors(loaded.diagnostics)) return { profile: null, diagnostics: loaded.diagnostics };
  const file = loaded.file;
  if (file.data === null || file.data === undefined || typeof file.data !== 'object' || Array.isArray(file.data)) {
    return { profile: null, diagnostics: [fileDiagnostic(shown, 'wrong-type', 'a plan profile is a mapping (name:, guidance:, choices:)', 'see the plan profile format in the README')] };
  }
  const validate = profileValidator();
  if (!validate(file.data)) return { profile: null, diagnostics: pickErrors(validate.errors ?? []).map((e) => toDiagnostic(file, e)) };
  const diagnostics = checkSelections(file, catalog);
  return { profile: hasErrors(diagnostics) ? null : (file.data as ProfileObject), diagnostics };
}

/** The profile's guidance and selections against the declared choices. */
function checkSelections(file: SourceFile, catalog: ChoiceCatalog): Diagnostic[] {
  const out: Diagnostic[] = [];
  const p = file.data as ProfileObject;
  if (p.guidance !== catalog.guidance) {
    out.push(diagnosticAt({ file, path: ['guidance'] }, 'profile-mismatch', `this profile is for the guidance "${p.guidance}", not "${catalog.guidance}"`,
      `write guidance: ${catalog.guidance}, or use a profile written for ${p.guidance}`));
    return out;
  }
  const ids = catalog.choices.map((c) => c.id);
  for (const [id, value] of Object.entries(p.choices ?? {})) {
    const choice = catalog.choices.find((c) => c.id === id);
    if (!choice) {
      out.push(diagnosticAt({ file, path: ['choices', id], key: true }, 'unknown-choice', `the rule files declare no choice "${id}"`,
        didYouMean(id, ids, ids.length > 0 ? `choices: ${ids.join(', ')}` : 'these rule files declare no choices')));
      continue;
    }
    const names = choice.alternatives.map((a) => a.name);
    const list = Array.isArray(value) ? value : [value];
    list.forEach((alt, i) => {
      if (names.includes(alt)) return;
      const path = Array.isArray(value) ? ['choices', id, i] : ['choices', id];
      out.push(diagnosticAt({ file, path }, 'unknown-alternative', `choice ${id} has no alternative "${alt}"`, didYouMean(alt, names, `alternatives: ${names.join(', ')}`)));
    });
  }
  return out;
}
