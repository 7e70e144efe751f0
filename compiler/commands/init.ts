/**
 * `codeguide init`: a new guidance folder an analyst starts from — one
 * catalogue entry, one rule, one example, each section explained — that
 * `codeguide check` passes as it is. The files are the templates in
 * `init-template/` with the names, dates and paths filled in.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { args, packageRoot, UsageError, type CommandSpec, type Out } from './shared.ts';

export const initSpec: CommandSpec = {
  name: 'init',
  usage: 'codeguide init <dir> --guidance ID --edition V [--title TEXT]',
  description: 'Writes <dir>/<ID>/<V>/ (or <dir>/<V>/ when <dir> is already named ID): guidance.yaml, catalogue.yaml, rules.yaml and examples.yaml, each with the schema comment editors use and a note on every section. Nothing is overwritten.',
  options: {
    guidance: { type: 'string', value: 'ID', description: 'the guidance id: lower-case letters, digits and dashes (default: the name of <dir>)' },
    edition: { type: 'string', value: 'V', description: 'the first edition, e.g. 1.0' },
    title: { type: 'string', value: 'TEXT', description: 'the guidance\'s title (default: made from the id)' },
  },
  examples: ['codeguide init rules --guidance acme-care --edition 1.0 --title "ACME Care Coding Guidance"'],
};

/** What the templates are filled with. */
export interface Scaffold {
  /** The guidance id (= the guidance folder's name). */
  guidance: string;
  /** The edition (= the edition folder's name). */
  edition: string;
  title: string;
  /** Publication, compliance and start date written into the files (YYYY-MM-DD). */
  date: string;
}

const GUIDANCE_ID = /^[a-z0-9][a-z0-9-]*$/;
const EDITION = /^[0-9A-Za-z][0-9A-Za-z.-]*$/;
const TEMPLATES = new URL('./init-template/', import.meta.url);

/** The template files, by name. */
export function templateNames(): string[] {
  return readdirSync(TEMPLATES).filter((f) => f.endsWith('.yaml')).sort();
}

/**
 * Fill the templates for an edition folder at `editionDir` (the schema comment
 * points from there to the package's JSON Schema). Values go in as YAML
 * strings or checked names, never as raw text.
 */
export function renderScaffold(s: Scaffold, editionDir: string): Map<string, string> {
  if (!GUIDANCE_ID.test(s.guidance)) throw new UsageError(`"${s.guidance}" is not a guidance id: use lower-case letters, digits and dashes`);
  if (!EDITION.test(s.edition)) throw new UsageError(`"${s.edition}" is not an edition name: use letters, digits, dots and dashes (e.g. 1.0)`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s.date)) throw new Error(`bad date ${s.date}`);
  if (s.title.trim() === '' || /[\u0000-\u001f\u007f\u2028\u2029]/.test(s.title)) throw new UsageError('the title must be one line of text');
  const schemaFile = fileURLToPath(new URL('compiler/schema/rules.schema.json', packageRoot()));
  const shownDir = relative(process.cwd(), resolve(editionDir, '..')) || '.';
  const values: Record<string, string> = {
    schema: relative(resolve(editionDir), schemaFile).split(sep).join('/'),
    guidance: s.guidance,
    edition: JSON.stringify(s.edition),
    editionText: s.edition,
    title: JSON.stringify(s.title),
    titleText: s.title,
    date: s.date,
    guidanceDir: /[\s'"\\$`]/.test(shownDir) ? JSON.stringify(shownDir) : shownDir,
  };
  const files = new Map<string, string>();
  for (const name of templateNames()) {
    const text = readFileSync(new URL(name, TEMPLATES), 'utf8').replace(/\{\{(\w+)\}\}/g, (_m, key: string) => {
      const value = values[key];
      if (value === undefined) throw new Error(`init-template/${name}: no value for {{${key}}}`);
      if (/[\r\n]/.test(value)) throw new UsageError(`${key} must be one line`);
      return value;
    });
    files.set(name, text);
  }
  return files;
}

/** Where `init <dir>` puts the edition: `<dir>/<id>/<edition>`, or `<dir>/<edition>` when `<dir>` is named as the guidance. */
export function editionFolder(dir: string, guidance: string, edition: string): string {
  const full = resolve(dir);
  return basename(full) === guidance ? join(full, edition) : join(full, guidance, edition);
}

export async function initCommand(rest: string[], _out: Out, err: Out): Promise<number> {
  const { values, positionals } = args(rest, initSpec.options);
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name the folder to create the guidance in' : `expected one folder, got ${positionals.length} arguments`);
  const dir = positionals[0]!;
  const guidance = typeof values.guidance === 'string' ? values.guidance : basename(resolve(dir));
  if (typeof values.edition !== 'string') throw new UsageError('init needs --edition V (the first edition, e.g. --edition 1.0)');
  const edition = values.edition;
  const title = typeof values.title === 'string' ? values.title : `${guidance.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ')} Coding Guidance`;
  const target = editionFolder(dir, guidance, edition);
  const shown = relative(process.cwd(), target) || '.';
  if (existsSync(target) && readdirSync(target).length > 0) {
    err.write(`codeguide: ${shown} already exists and is not empty; nothing written\n`);
    return 2;
  }
  const files = renderScaffold({ guidance, edition, title, date: new Date().toISOString().slice(0, 10) }, target);
  mkdirSync(target, { recursive: true });
  for (const [name, text] of files) writeFileSync(join(target, name), text, { flag: 'wx' });
  const guidanceDir = relative(process.cwd(), resolve(target, '..')) || '.';
  err.write([
    `wrote ${shown}/: ${[...files.keys()].join(', ')}`,
    'next:',
    `  codeguide check ${guidanceDir}`,
    '  then replace the placeholders with the guidance\'s tables, rules and examples',
    '',
  ].join('\n'));
  return 0;
}
