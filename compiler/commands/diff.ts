/**
 * `codeguide diff <rule-dir>@<v1> <rule-dir>@<v2> [--format text|md] [--corpus FILE] [--out FILE]`:
 * what changed between two editions, and with --corpus which lines of an
 * encounter file change outcome. Exit 0: the editions state the same
 * guidance (and no line changes); 1: there are differences; 2: could not run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { corpusDiff, corpusMarkdown, corpusText } from '../diff/corpus.ts';
import { diffRuleSets, isEmptyDiff } from '../diff/diff.ts';
import { loadEdition, parseEditionRef } from '../diff/edition.ts';
import { diffMarkdown, diffText } from '../diff/print.ts';
import { isFault, isProblem, placeholderFor, type ReadItem } from '../io/items.ts';
import { detectFormat, openInput, readItems } from '../io/source.ts';
import { args, report, UsageError, type CommandSpec, type Out } from './shared.ts';

/** diff's options, usage and examples (the help text is made from them). */
export const diffSpec: CommandSpec = {
  name: 'diff',
  usage: 'codeguide diff <rule-dir>@<v1> <rule-dir>@<v2> [--format text|md] [--corpus FILE] [--out FILE]',
  description: 'Lists the catalogue entries (by combination), rules (by id), dates, modifiers, sets and other declarations that the second edition adds, removes or changes, and the items whose citation alone changed, like the guidance\'s Appendix A. With --corpus, both editions judge the encounter file and every line whose status, service or findings change is listed, with counts by kind of change. An edition is <rule-dir>@<edition>, an edition\'s own folder, or a guidance folder (its newest edition). Exit 0: no differences; 1: differences; 2: could not run.',
  options: {
    format: { type: 'string', value: 'text|md', description: 'plain text (default) or Markdown' },
    corpus: { type: 'string', value: 'FILE', description: 'also judge this encounter file (JSON Lines, CSV or X12 837) with both editions and list the lines that change' },
    out: { type: 'string', value: 'FILE', description: 'write the report here instead of standard output' },
  },
  examples: [
    'codeguide diff rules/dhcs-ecm-cs@1.1 rules/dhcs-ecm-cs@1.2',
    'codeguide diff rules/dhcs-ecm-cs@1.0 rules/dhcs-ecm-cs@1.1 --format md --corpus encounters.jsonl --out changes.md',
  ],
};

export async function diffCommand(rest: string[], out: Out, err: Out): Promise<number> {
  const { values, positionals } = args(rest, diffSpec.options);
  if (positionals.length !== 2) throw new UsageError(`diff compares two editions (<rule-dir>@<edition>); got ${positionals.length} argument${positionals.length === 1 ? '' : 's'}`);
  const format = (values.format as string | undefined) ?? 'text';
  if (format !== 'text' && format !== 'md') throw new UsageError(`unknown --format "${format}" (text or md)`);

  const editions = positionals.map((p) => {
    const loaded = loadEdition(parseEditionRef(p));
    report(loaded.diagnostics, err);
    return loaded.edition;
  });
  const [a, b] = editions;
  if (!a || !b) return 2;

  const diff = diffRuleSets(a, b);
  let text = format === 'md' ? diffMarkdown(diff) : diffText(diff);
  let lineChanges = 0;
  if (typeof values.corpus === 'string') {
    const path = values.corpus;
    const input = await openInput(path);
    const detected = detectFormat(input.head);
    const faults: string[] = [];
    const outcome = await corpusDiff(a, b, recordsOf(readItems(detected, input.chunks, path), faults));
    for (const f of faults) err.write(`codeguide: ${path}: ${f}\n`);
    lineChanges = outcome.changed.length;
    text += `\n${format === 'md' ? corpusMarkdown(outcome, path) : corpusText(outcome, path)}`;
    err.write(`codeguide: ${outcome.changed.length} of ${outcome.total} lines of ${path} change outcome from ${a.guidance.version} to ${b.guidance.version}\n`);
  }
  if (typeof values.out === 'string') {
    mkdirSync(dirname(resolve(values.out)), { recursive: true });
    writeFileSync(values.out, text);
    err.write(`wrote ${values.out}\n`);
  } else {
    out.write(text);
  }
  return isEmptyDiff(diff) && lineChanges === 0 ? 0 : 1;
}

/** The records a reader yields, one per input record: a record the reader could not read goes as a placeholder (judged invalid by both editions alike); structural faults are set aside. */
async function* recordsOf(items: AsyncIterable<ReadItem>, faults: string[]): AsyncGenerator<unknown> {
  for await (const item of items) {
    if (isFault(item)) faults.push(item.fault);
    else yield isProblem(item) ? placeholderFor(item) : item.record;
  }
}
