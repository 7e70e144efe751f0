/**
 * Structure check: every rule file against the published JSON Schema
 * (compiler/schema/rules.schema.json), with Ajv's JSON-Pointer errors mapped
 * back to the YAML node they are about, one diagnostic per mistake.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import { closest, didYouMean, type Diagnostic } from './diagnostics.ts';
import { diagnosticAt, sourceText, type SourceFile } from './source.ts';

/** Where the schema lives, for editors and for the README. */
export const SCHEMA_URL = new URL('./schema/rules.schema.json', import.meta.url);

/** Ajv's options for the structure check (the build precompiles the validator with them). */
export const AJV_OPTIONS: Options = { allErrors: true, verbose: true, strict: false };

/**
 * The published schema lets services and entries carry any further key as an attribute value (editors cannot
 * know which attributes a rule set declares). The compiler checks against a strict copy in which they may not,
 * and lets through only the attributes declared.
 */
export function strictSchema(): Record<string, unknown> {
  const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as Record<string, unknown>;
  const strict = schema as unknown as { properties: { catalogue: { items: Record<string, unknown> } }; definitions: { entry: Record<string, unknown> } };
  strict.properties.catalogue.items.additionalProperties = false;
  strict.definitions.entry.additionalProperties = false;
  return schema;
}

/**
 * The validator: the one `npm run build` precompiled from the same schema and options (Ajv standalone code,
 * beside the schema in build/), or — running from the sources — compiled now.
 */
const PRECOMPILED = new URL('./schema/rules.validate.cjs', import.meta.url);
const require = createRequire(import.meta.url);
const validateFile: ValidateFunction = existsSync(PRECOMPILED)
  ? (require(fileURLToPath(PRECOMPILED)) as { default: ValidateFunction }).default
  : new (require('ajv') as { default: new (o: Options) => { compile(s: object): ValidateFunction } }).default(AJV_OPTIONS).compile(strictSchema());

/**
 * Check one loaded file's structure. Services and catalogue entries may also give the attributes their rule
 * set declares (by name; the loader checks their values); any other key of theirs is unknown.
 */
export function checkStructure(file: SourceFile, attributes: readonly string[] = []): Diagnostic[] {
  if (file.data === undefined || file.data === null) return [];
  if (validateFile(file.data)) return [];
  const declared = new Set(attributes);
  const isAttribute = (e: ErrorObject) => e.keyword === 'additionalProperties' && declared.has(String(e.params.additionalProperty))
    && /^\/catalogue\/\d+(\/entries\/\d+)?$/.test(e.instancePath);
  return pickErrors((validateFile.errors ?? []).filter((e) => !isAttribute(e))).map((e) => toDiagnostic(file, e));
}

/**
 * One error per place: Ajv reports every failed keyword, and a failure deep
 * inside also fails nothing above it except through our own `required` and
 * `type` checks, so keep the first error of each instance path, and drop
 * errors below a path that already has a type error.
 */
export function pickErrors(errors: ErrorObject[]): ErrorObject[] {
  const byPath = new Map<string, ErrorObject>();
  for (const e of errors) {
    const path = e.keyword === 'additionalProperties' ? `${e.instancePath}/${String(e.params.additionalProperty)}` : e.instancePath;
    const key = e.keyword === 'required' ? `${path}#${String(e.params.missingProperty)}` : path;
    if (!byPath.has(key)) byPath.set(key, e);
  }
  const typeErrors = [...byPath.values()].filter((e) => e.keyword === 'type').map((e) => e.instancePath);
  // A misspelt required key shows up twice: as an unknown key and as a missing one. Keep the unknown key.
  const unknownKeys = [...byPath.values()].filter((e) => e.keyword === 'additionalProperties');
  const misspelt = (e: ErrorObject) => e.keyword === 'required' && unknownKeys.some(
    (u) => u.instancePath === e.instancePath && closest(String(u.params.additionalProperty), [String(e.params.missingProperty)]) !== undefined);
  return [...byPath.values()].filter(
    (e) => !misspelt(e) && !typeErrors.some((t) => e.instancePath !== t && e.instancePath.startsWith(`${t}/`)),
  );
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

const ITEM_NAMES: Record<string, string> = {
  catalogue: 'this service', entries: 'this catalogue entry', rules: 'this rule', examples: 'this example',
  bands: 'this band', lines: 'this example line', expect: 'this expectation', items: 'this item', key: 'this key',
};

/** What a path points at, in the words of the rule-file format. */
function describe(path: (string | number)[]): string {
  const last = path[path.length - 1];
  if (last === undefined) return 'the file';
  if (typeof last === 'number') return ITEM_NAMES[String(path[path.length - 2])] ?? 'this item';
  return `"${last}"`;
}

/** One Ajv error as a diagnostic at the YAML node it is about (also used for plan profiles). */
export function toDiagnostic(file: SourceFile, e: ErrorObject): Diagnostic {
  const path = pointerToPath(e.instancePath);
  const parentSchema = (e.parentSchema ?? {}) as { properties?: Record<string, unknown>; description?: string };
  const allowed = Object.keys(parentSchema.properties ?? {});
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const fallback = allowed.length > 0 ? `allowed here: ${allowed.join(', ')}` : 'remove it';
      return diagnosticAt({ file, path: [...path, key], key: true }, 'unknown-key',
        `unknown key "${key}" in ${describe(path)}`, didYouMean(key, allowed, fallback));
    }
    case 'required': {
      const key = String(e.params.missingProperty);
      return diagnosticAt({ file, path, key: path.length > 0 }, 'missing-key',
        `${describe(path)} is missing the required key "${key}"`, `add "${key}:" here`);
    }
    case 'type': {
      const want = String(e.params.type).replace(/,/g, ' or ');
      const quote = want.startsWith('string') && (typeof e.data === 'number' || typeof e.data === 'boolean');
      const hint = quote ? `put it in quotes: "${sourceText({ file, path })}" (YAML reads it as a ${typeof e.data} otherwise)`
        : want.includes('array') ? 'write a list, e.g. [U6] or one "- item" per line' : `write ${article(want)} here`;
      return diagnosticAt({ file, path }, 'wrong-type', `${describe(path)} must be ${article(want)}`, hint);
    }
    case 'enum': {
      const values = (e.params.allowedValues as unknown[]).map((v) => String(v));
      return diagnosticAt({ file, path }, 'bad-value', `${describe(path)} must be one of ${values.join(', ')}`,
        didYouMean(String(e.data), values, `use one of ${values.join(', ')}`));
    }
    case 'propertyNames':
    case 'pattern': {
      const propertyName = e.keyword === 'propertyNames' ? String(e.params.propertyName) : undefined;
      const where = propertyName === undefined ? { file, path } : { file, path: [...path, propertyName], key: true };
      const what = e.keyword === 'pattern' ? (parentSchema.description ?? `text matching ${String(e.params.pattern)}`) : 'a valid name';
      const shown = propertyName ?? String(e.data);
      return diagnosticAt(where, 'bad-value', `"${shown}" is not ${what}`, `write ${what}`);
    }
    default:
      return diagnosticAt({ file, path }, 'bad-value', `${describe(path)} ${e.message ?? 'is not allowed'}`,
        'see the rule-file format in the README');
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
