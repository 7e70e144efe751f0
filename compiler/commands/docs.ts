/**
 * `codeguide docs <rule-dir>[@<edition>] --out FILE.html|FILE.md`: one edition
 * as an analyst reads it. Exit 0: written; 2: could not run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadBase, loadEdition, parseEditionRef } from '../diff/edition.ts';
import { docsHtml } from '../docs/html.ts';
import { docsMarkdown } from '../docs/markdown.ts';
import { editionView } from '../docs/view.ts';
import { args, report, UsageError, type CommandSpec, type Out } from './shared.ts';

/** docs' options, usage and examples (the help text is made from them). */
export const docsSpec: CommandSpec = {
  name: 'docs',
  usage: 'codeguide docs <rule-dir>[@<edition>] --out FILE.html|FILE.md',
  description: 'Writes one edition as an analyst reads it: the code tables grouped like the guidance, each rule in plain words with its citation, dates and examples, and the changes from the edition it extends. FILE.html is one self-contained page (no scripts or external files; prints well); FILE.md is Markdown. Without @<edition>, a guidance folder gives its newest edition.',
  options: {
    out: { type: 'string', value: 'FILE.html|FILE.md', description: 'where to write the page; the extension picks HTML or Markdown' },
  },
  examples: ['codeguide docs rules/dhcs-ecm-cs@1.2 --out dist/dhcs-1.2.html', 'codeguide docs rules/dhcs-ecm-cs --out dist/dhcs.md'],
};

export async function docsCommand(rest: string[], _out: Out, err: Out): Promise<number> {
  const { values, positionals } = args(rest, docsSpec.options);
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name a rule folder (<rule-dir>[@<edition>])' : `docs takes one rule folder, got ${positionals.length} arguments`);
  const target = values.out;
  if (typeof target !== 'string') throw new UsageError('docs needs --out FILE.html or --out FILE.md');
  const kind = /\.html?$/i.test(target) ? 'html' : /\.(md|markdown)$/i.test(target) ? 'md' : null;
  if (!kind) throw new UsageError(`--out ${target}: the file name must end in .html or .md`);

  const loaded = loadEdition(parseEditionRef(positionals[0]!));
  report(loaded.diagnostics, err);
  if (!loaded.edition) return 2;
  const base = loadBase(loaded.edition, loaded.guidanceDir);
  report(base.diagnostics, err);
  const view = editionView(loaded.edition, base.base, base.missing);
  const page = kind === 'html' ? docsHtml(view) : docsMarkdown(view);
  mkdirSync(dirname(resolve(target)), { recursive: true });
  writeFileSync(target, page);
  const g = loaded.edition.guidance;
  err.write(`wrote ${target} (${g.id} ${g.version}: ${loaded.edition.entries.length} code combinations, ${loaded.edition.rules.length} rules${view.changes ? `, changes from ${view.changes.from.version}` : ''})\n`);
  return 0;
}
