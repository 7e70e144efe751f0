/**
 * The quick reader of plain YAML (compiler/plain-yaml.ts) against the full
 * YAML parse (source.ts, the `yaml` package): whenever the quick reader reads
 * a text, the full parse finds no mistake in it and gives the same data,
 * value for value (NaN, -0, key order and inherited names such as
 * `__proto__` included). Inputs: every YAML file of the repository, those
 * files with random edits, and small documents assembled from the pieces of
 * YAML that rule files are made of (and pieces that they are not).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readPlainYaml } from '../../compiler/plain-yaml.ts';
import { parseSource } from '../../compiler/source.ts';
import { fuzzRuns, reportFuzz } from './budget.ts';

/** Every .yaml file under the folders rule files live in, with its text. */
function yamlFiles(dir: string): { path: string; text: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [{ path, text: readFileSync(path, 'utf8') }] : [];
  });
}

const CORPUS = ['rules', 'test/fixtures', 'test/profiles', 'compiler/commands/init-template'].flatMap(yamlFiles);

/** How many texts the quick reader read (rather than declined), for the suites to show they test something. */
let accepted = 0;

/** Why the quick reader's answer for `text` is wrong, or null when it declined or agrees with the full parse. */
function disagreement(text: string): string | null {
  const quick = readPlainYaml(text);
  if (quick === undefined) return null;
  accepted++;
  let full: ReturnType<typeof parseSource>;
  try {
    full = parseSource('x.yaml', text);
  } catch (err) {
    return `read by the quick reader, but the full parse throws: ${(err as Error).message}`;
  }
  if (full.diagnostics.length > 0) return `read by the quick reader, but the full parse reports ${full.diagnostics[0]!.code}: ${full.diagnostics[0]!.message}`;
  if (!isDeepStrictEqual(quick.data, full.file.data)) return `different data:\n quick ${JSON.stringify(quick.data)}\n full  ${JSON.stringify(full.file.data)}`;
  if (JSON.stringify(Object.keys(quick.data ?? {})) !== JSON.stringify(Object.keys(full.file.data ?? {}))) return 'different key order';
  return null;
}

describe('the quick YAML reader reads only what the full parser reads alike', () => {
  it('every YAML file of the repository: the same data, or declined', () => {
    let read = 0;
    for (const { path, text } of CORPUS) {
      expect(disagreement(text), path).toBeNull();
      if (readPlainYaml(text)) read++;
    }
    // The reader is for rule files as analysts write them: most files here are in its subset.
    expect(read).toBeGreaterThan(CORPUS.length / 2);
  });

  it('repository files with random edits', () => {
    const NOISE = [' ', '  ', '\n', '\n\n', '\t', '\r', ':', ': ', '- ', '-', '[', ']', '{', '}', ',', ', ', '"', "'", "''", '#', ' #', '\\', '\\"',
      '&a ', '*a', '!', '? ', '|', '>', '|-', '>-', '|+', '---\n', '...\n', '%', '~', 'null', 'true', 'NaN', '.nan', '-.inf', '0x1F', '0o17',
      '1e3', '-0', '.5', '1.', '__proto__', 'constructor', '<<', 'é', '\u2028', '\ufeff'];
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), piece: fc.constantFrom(...NOISE) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
      fc.record({ kind: fc.constant('indent' as const), at: fc.nat(), by: fc.integer({ min: -3, max: 3 }) }),
      fc.record({ kind: fc.constant('doubleLine' as const), at: fc.nat() }),
    );
    const lineStart = (t: string, at: number) => t.lastIndexOf('\n', Math.max(0, at - 1)) + 1;
    const apply = (t: string, e: typeof edit extends fc.Arbitrary<infer E> ? E : never): string => {
      const at = e.at % (t.length + 1);
      switch (e.kind) {
        case 'insert': return t.slice(0, at) + e.piece + t.slice(at);
        case 'delete': return t.slice(0, at) + t.slice(at + e.len);
        case 'indent': {
          const s = lineStart(t, at);
          return e.by >= 0 ? t.slice(0, s) + ' '.repeat(e.by) + t.slice(s) : t.slice(0, s) + t.slice(s).replace(new RegExp(`^ {0,${-e.by}}`), '');
        }
        case 'doubleLine': {
          const s = lineStart(t, at);
          const end = t.indexOf('\n', at);
          const line = t.slice(s, end < 0 ? t.length : end + 1);
          return t.slice(0, s) + line + t.slice(s);
        }
      }
    };
    // Small files keep the budget's count affordable; the edits land anywhere in them.
    const small = CORPUS.filter((f) => f.text.length < 8000);
    let inputs = 0;
    accepted = 0;
    fc.assert(fc.property(fc.nat(), fc.array(edit, { minLength: 1, maxLength: 4 }), (k, edits) => {
      inputs++;
      const text = edits.reduce(apply, small[k % small.length]!.text);
      const problem = disagreement(text);
      if (problem) throw new Error(`${problem}\n--- input:\n${text}`);
    }), { numRuns: fuzzRuns(300, 30000) });
    reportFuzz('plain-yaml (edited files)', { inputs, crashes: 0, lost: 0 });
    expect(accepted).toBeGreaterThan(0);
  });

  it('documents assembled from pieces of YAML', () => {
    const { scalar, key } = PIECES;
    const comment = fc.constantFrom('', '', '', ' # note', '  #note', '#no');
    const line = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 6 }), key, scalar, comment).map(([n, k, v, c]) => `${' '.repeat(n)}${k}: ${v}${c}`),
      fc.tuple(fc.integer({ min: 0, max: 6 }), key, comment).map(([n, k, c]) => `${' '.repeat(n)}${k}:${c}`),
      fc.tuple(fc.integer({ min: 0, max: 6 }), scalar, comment).map(([n, v, c]) => `${' '.repeat(n)}- ${v}${c}`),
      fc.tuple(fc.integer({ min: 0, max: 6 }), key, scalar).map(([n, k, v]) => `${' '.repeat(n)}- ${k}: ${v}`),
      fc.tuple(fc.integer({ min: 0, max: 6 }), scalar).map(([n, v]) => `${' '.repeat(n)}${v}`),
      fc.integer({ min: 0, max: 6 }).map((n) => `${' '.repeat(n)}-`),
      fc.constantFrom('', '   ', '# comment', '  # indented comment', '---', '...', '\t- a'),
    );
    let inputs = 0;
    accepted = 0;
    fc.assert(fc.property(fc.array(line, { minLength: 1, maxLength: 12 }), fc.boolean(), (lines, finalNewline) => {
      inputs++;
      const text = lines.join('\n') + (finalNewline ? '\n' : '');
      const problem = disagreement(text);
      if (problem) throw new Error(`${problem}\n--- input:\n${text}`);
    }), { numRuns: fuzzRuns(1000, 100000) });
    reportFuzz('plain-yaml (assembled lines)', { inputs, crashes: 0, lost: 0 });
    expect(accepted).toBeGreaterThan(0);
  });

  it('documents printed from random trees in the styles rule files use', () => {
    let inputs = 0;
    accepted = 0;
    fc.assert(fc.property(TREE, fc.array(fc.nat(), { minLength: 32, maxLength: 32 }), (tree, choices) => {
      inputs++;
      const text = printTree(tree, choices);
      const problem = disagreement(text);
      if (problem) throw new Error(`${problem}\n--- input:\n${text}`);
    }), { numRuns: fuzzRuns(1000, 100000) });
    reportFuzz('plain-yaml (printed trees)', { inputs, crashes: 0, lost: 0 });
    // Most printed trees are plain YAML: the comparison is not vacuous.
    expect(accepted).toBeGreaterThan(inputs / 4);
  });
});

/** Scalars and keys, as written: plain, quoted, flow, and some that are not plain YAML or not YAML at all. */
const PIECES = (() => {
  const scalar = fc.constantFrom('a', 'Enhanced Care', 'T2040', 'T2040:U6', 'x:y', 'a #b', 'a#b', "don't", 'say "hi"', '1', '-1', '+1', '-0', '007', '0x1F', '0X1F',
      '0o17', '0o8', '1e3', '1E-2', '.5', '-.5', '1.', '1.0', '1.50', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', 'NaN', '~', 'null', 'Null', 'NULL', 'nULL', 'true',
      'True', 'TRUE', 'tRUE', 'false', 'yes', 'on', '2024-04-01', '12345678901234567890', '"quoted"', '"esc \\" \\\\ \\n \\t \\/ \\u00e9 \\x41 \\e"', "'single ''q'''",
      '""', "''", '[]', '{}', '[a, b]', '[a,b]', '[a, [b, c], {d: e}]', '[a, ]', '[a: b]', '{a: 1, b: [2]}', '{a:1}', '{a: }', '{a}', '{"k": v}', "{'k': v}",
      '[T2040:U6, H0043:U3]', '[a, b', '-', '- a', '-a', '?', '? a', ':a', '&x a', '*x', '!!str a', '@a', '`a', '%a', '|', '>', '|-', '>-', '|+', '|2', 'a: b', 'a:');
    const key = fc.constantFrom('a', 'b', 'code', 'T2040', '1', '1.0', '01', 'true', 'null', '~', '"a"', "'a'", '"a b"', 'a b', '__proto__', 'constructor',
      'toString', '<<', '-a', '$a', 'a.b', 'a/b', '"x\\ny"', '? a');
  return { scalar, key };
})();

type Tree = string | { map: [string, Tree][] } | { seq: Tree[] } | { block: string[] };

const TREE: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    PIECES.scalar.filter((v) => !/^[|>]/.test(v)),
    fc.array(fc.tuple(PIECES.key, tie('node')), { minLength: 1, maxLength: 4 }).map((map) => ({ map })),
    fc.array(tie('node'), { minLength: 1, maxLength: 4 }).map((seq) => ({ seq })),
    fc.array(fc.constantFrom('text', 'more text', '  indented', '', 'x: y', '- item', '# not a comment', 'a "quote"'), { minLength: 1, maxLength: 5 })
      .map((block) => ({ block })),
  ),
})).node;

/** Print a tree as block YAML, each choice of style (indentation, flow or block, compact or not) taken from `choices`. */
function printTree(tree: Tree, choices: number[]): string {
  let n = 0;
  const pick = (k: number) => choices[n++ % choices.length]! % k;
  const flow = (t: Tree): string | null => {
    if (typeof t === 'string') return t;
    if ('block' in t) return null;
    const parts = 'map' in t ? t.map.map(([k, v]) => { const f = flow(v); return f === null ? null : `${k}: ${f}`; }) : t.seq.map(flow);
    if (parts.some((p) => p === null)) return null;
    return 'map' in t ? `{ ${parts.join(', ')} }` : `[${parts.join(', ')}]`;
  };
  const lines: string[] = [];
  /** Print `t` as the value after `head` (a key and colon, or a dash) written at column `col`. */
  const value = (head: string, col: number, t: Tree): void => {
    const pad = ' '.repeat(col);
    const step = [1, 2, 2, 4][pick(4)]!;
    if (typeof t === 'string') {
      lines.push(`${pad}${head} ${t}${['', '', ' # c'][pick(3)]}`);
      return;
    }
    if ('block' in t) {
      lines.push(`${pad}${head} ${['|', '>', '|-', '>-'][pick(4)]}`);
      for (const l of t.block) lines.push(l === '' ? '' : ' '.repeat(col + step) + l);
      return;
    }
    const f = flow(t);
    if (f !== null && pick(3) === 0) {
      // on one line, or broken after its commas onto lines indented 0 to 3 past the column (0 is too little)
      lines.push(`${pad}${head} ${pick(2) === 0 ? f : f.replace(/, /g, () => `,${['', ' # c'][pick(2)]}\n${' '.repeat(col + pick(4))}`)}`);
      return;
    }
    if (head !== '-' && 'seq' in t && pick(2) === 0) {
      lines.push(`${pad}${head}`);
      node(t, col);
      return;
    }
    if (head === '-' && 'map' in t && pick(2) === 0) {
      // compact: the mapping starts on the dash's line
      const [first, ...rest] = t.map;
      const inner = lines.length;
      value(`${first![0]}:`, col + 2, first![1]);
      lines[inner] = `${pad}- ${lines[inner]!.slice(col + 2)}`;
      for (const [k, v] of rest) value(`${k}:`, col + 2, v);
      return;
    }
    lines.push(`${pad}${head}`);
    node(t, col + step);
  };
  const node = (t: Tree, col: number): void => {
    if (typeof t === 'string' || 'block' in t) value('-', col, t);
    else if ('map' in t) for (const [k, v] of t.map) value(`${k}:`, col, v);
    else for (const item of t.seq) value('-', col, item);
    if (pick(4) === 0) lines.push(['', '# between', ' '.repeat(col) + '# comment'][pick(3)]!);
  };
  node(typeof tree === 'string' || 'block' in tree ? { map: [['top', tree]] } : tree, pick(3) === 0 ? 2 : 0);
  return `${lines.join('\n')}\n`;
}
