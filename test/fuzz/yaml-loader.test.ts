/**
 * Fuzzing the YAML loader on whole rule folders: byte-level mutations of one
 * file of the DHCS or mini rule set (edits, YAML punctuation, invalid UTF-8,
 * deep nesting, aliases, runs long enough to pass the size limit), loaded
 * with the folder's other files as the loader loads a version (decode, YAML,
 * structure check, gathering of declarations). No input may throw, and every
 * failure must be a located diagnostic with a known code. A sample of inputs
 * goes through the whole compiler from disk. Inputs that once failed are kept
 * in test/fixtures/fuzz/yaml-loader/ and run first.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { compileBundle, loadRules } from '../../compiler/compile.ts';
import { DIAGNOSTIC_CODES, type Diagnostic } from '../../compiler/diagnostics.ts';
import { gather } from '../../compiler/load.ts';
import { checkStructure } from '../../compiler/schema.ts';
import { loadSource, RULE_FILE_LIMITS, type SourceFile } from '../../compiler/source.ts';
import { DHCS, MINI } from '../helpers.ts';
import { fuzzRuns, reportFuzz } from './budget.ts';

const FIXTURES = 'test/fixtures/fuzz/yaml-loader';
const work = mkdtempSync(join(tmpdir(), 'codeguide-fuzz-yaml-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Folder {
  /** The guidance folder and the version inside it. */
  guidanceDir: string;
  version: string;
  names: string[];
  bytes: Record<string, Buffer>;
  /** Each file loaded as it is, reused for the files an input leaves alone. */
  loaded: Record<string, { file: SourceFile; diagnostics: Diagnostic[] }>;
}

function folder(guidanceDir: string, version: string): Folder {
  const dir = join(guidanceDir, version);
  const names = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  const bytes = Object.fromEntries(names.map((n) => [n, readFileSync(join(dir, n))]));
  const loaded = Object.fromEntries(names.map((n) => [n, loadFile(join(dir, n), bytes[n]!)]));
  return { guidanceDir, version, names, bytes, loaded };
}

function loadFile(path: string, bytes: Uint8Array): { file: SourceFile; diagnostics: Diagnostic[] } {
  const r = loadSource(path, bytes);
  return r.diagnostics.length > 0 ? r : { file: r.file, diagnostics: checkStructure(r.file) };
}

const FOLDERS = [folder(DHCS, '1.2'), folder(MINI, '1.0')];

const NOISE = [
  ' ', '  ', '\t', '\n', '\r\n', ':', ': ', '- ', '-', '[', ']', '{', '}', ',', '"', "'", '#', '&a ', '*a', '&b [*b]', '!!str ', '!!binary ', '? ',
  '|', '>', '---\n', '...\n', '%YAML 1.2\n', '<<: *a\n', '~', 'null', 'true', '1e999', '0x1F', '2024-02-30', '__proto__: ', 'constructor: ',
  '\u0000', '\u2028', '\ufeff', '\ufffd', 'é', '𝄞',
].map((s) => Buffer.from(s, 'utf8'));
const BAD_BYTES = [[0xe9], [0xff], [0xfe, 0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x80], [0xf4, 0x90, 0x80, 0x80]].map((b) => Buffer.from(b));

const edit = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), piece: fc.constantFrom(...NOISE, ...BAD_BYTES) }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), piece: fc.constantFrom(...NOISE) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant('dropLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('doubleLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('indent' as const), at: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 60 }), times: fc.integer({ min: 2, max: 200 }) }),
  fc.record({ kind: fc.constant('nest' as const), at: fc.nat(), open: fc.constantFrom('[', '{a: ', '- ', '[[', '{'), times: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('byte' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
);
type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never;

/** Start of the line holding byte `i`, and the end of that line. */
function lineAround(b: Buffer, i: number): [number, number] {
  const start = b.lastIndexOf(0x0a, Math.max(0, i - 1)) + 1;
  const nl = b.indexOf(0x0a, i);
  return [start, nl < 0 ? b.length : nl + 1];
}

function apply(b: Buffer, e: Edit): Buffer {
  const at = 'at' in e ? e.at % (b.length + 1) : 0;
  switch (e.kind) {
    case 'insert': return Buffer.concat([b.subarray(0, at), e.piece, b.subarray(at)]);
    case 'replace': return Buffer.concat([b.subarray(0, at), e.piece, b.subarray(at + e.piece.length)]);
    case 'delete': return Buffer.concat([b.subarray(0, at), b.subarray(at + e.len)]);
    case 'dropLine': { const [s, t] = lineAround(b, at); return Buffer.concat([b.subarray(0, s), b.subarray(t)]); }
    case 'doubleLine': { const [s, t] = lineAround(b, at); return Buffer.concat([b.subarray(0, t), b.subarray(s, t), b.subarray(t)]); }
    case 'indent': {
      const [s] = lineAround(b, at);
      return e.by >= 0 ? Buffer.concat([b.subarray(0, s), Buffer.alloc(e.by, 0x20), b.subarray(s)]) : Buffer.concat([b.subarray(0, s), b.subarray(Math.min(b.length, s - e.by))]);
    }
    case 'repeat': {
      const piece = b.subarray(at, at + e.len);
      return Buffer.concat([b.subarray(0, at), ...Array.from({ length: e.times }, () => piece), b.subarray(at + e.len)]);
    }
    case 'nest': return Buffer.concat([b.subarray(0, at), Buffer.from(e.open.repeat(e.times)), b.subarray(at)]);
    case 'truncate': return b.subarray(0, at);
    case 'byte': { const c = Buffer.from(b); if (at < c.length) c[at] = e.value; return c; }
  }
}

const input = fc.record({
  // DHCS files are ten times the size of the mini ones: one input in ten edits DHCS, to keep the budget's count affordable.
  folder: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 9, arbitrary: fc.constant(1) }),
  file: fc.nat(),
  edits: fc.array(edit, { minLength: 1, maxLength: 4 }),
  // Sometimes, last: a slice repeated past the size limit (files just under it are slow to parse and add nothing).
  overflow: fc.option(fc.record({ at: fc.nat(), len: fc.integer({ min: 1, max: 60 }) }), { freq: 20 }),
});

/** The input's file after its edits. */
function mutate(original: Buffer, edits: Edit[], overflow: { at: number; len: number } | null): Buffer {
  const b = edits.reduce(apply, original);
  if (!overflow) return b;
  const at = overflow.at % (b.length + 1);
  const piece = b.subarray(at, at + overflow.len);
  if (piece.length === 0) return b;
  return Buffer.concat([b.subarray(0, at), Buffer.alloc(RULE_FILE_LIMITS.maxBytes + 1, piece), b.subarray(at)]);
}

const REPLACEMENT = Buffer.from('\ufffd', 'utf8');

/** A diagnostic is located; U+FFFD in its words only where the input itself holds one (invalid bytes never become it). */
function expectLocated(d: Diagnostic, f: Folder, bytes: Buffer): void {
  expect(Object.keys(DIAGNOSTIC_CODES)).toContain(d.code);
  expect(d.file.startsWith(relative(process.cwd(), f.guidanceDir)), d.file).toBe(true);
  expect(d.line).toBeGreaterThanOrEqual(1);
  expect(d.col).toBeGreaterThanOrEqual(1);
  expect(d.message.length).toBeGreaterThan(0);
  expect(d.message).not.toMatch(/internal error|Maximum call stack/);
  if (!bytes.includes(REPLACEMENT)) expect(d.message).not.toContain('\ufffd');
  expect(d.hint.length).toBeGreaterThan(0);
}

/** Load the folder with `name` replaced by `bytes`, in memory, as the loader does. */
function checkLoad(f: Folder, name: string, bytes: Buffer): void {
  const versionDir = join(f.guidanceDir, f.version);
  const mutated = loadFile(join(versionDir, name), bytes);
  const results = f.names.map((n) => (n === name ? mutated : f.loaded[n]!));
  const diagnostics = results.flatMap((r) => r.diagnostics);
  if (diagnostics.length === 0) {
    const g = gather(results.map((r) => r.file), versionDir, basename(f.guidanceDir), f.version);
    diagnostics.push(...g.diagnostics);
    if (!g.loaded) expect(g.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  }
  for (const d of diagnostics) expectLocated(d, f, bytes);
}

/** The whole compiler, from disk, on the mutated folder. */
function checkCompile(f: Folder, name: string, bytes: Buffer): void {
  const dir = join(work, basename(f.guidanceDir));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, f.version), { recursive: true });
  for (const n of f.names) writeFileSync(join(dir, f.version, n), n === name ? bytes : f.bytes[n]!);
  const loaded = loadRules(dir);
  for (const d of loaded.diagnostics) expectLocated(d, { ...f, guidanceDir: dir }, bytes);
  if (loaded.versions.length > 0) expect(compileBundle(loaded).js.length).toBeGreaterThan(1000);
  else expect(loaded.diagnostics.some((d) => d.severity === 'error')).toBe(true);
}

/**
 * A fixture is a whole rule file as it broke the loader, named `<dhcs|mini>.<case>.<file name>`
 * (e.g. `mini.alias-cycle.catalogue.yaml`): the folder is loaded with that file in place of its own.
 */
function fixtures(): [string, Folder, string, Buffer][] {
  return readdirSync(FIXTURES).sort().map((name) => {
    const [key, , ...rest] = name.split('.');
    return [name, FOLDERS[key === 'dhcs' ? 0 : 1]!, rest.join('.'), readFileSync(join(FIXTURES, name))];
  });
}

describe('fuzz: the YAML loader on whole rule folders', () => {
  it('regression fixtures: loaded and compiled without an exception', () => {
    const found = fixtures();
    expect(found.length).toBeGreaterThan(0);
    for (const [name, f, file, bytes] of found) {
      expect(f.names, name).toContain(file);
      expect(() => checkLoad(f, file, bytes), name).not.toThrow();
      expect(() => checkCompile(f, file, bytes), name).not.toThrow();
    }
  });

  it('mutated DHCS and mini rule files: no exception, every failure a located diagnostic', () => {
    const runs = fuzzRuns(5000, 100_000);
    const compileEvery = process.env.FUZZ === '1' ? 500 : 250;
    let inputs = 0;
    let crashes = 0;
    const result = fc.check(
      fc.property(input, ({ folder: fi, file, edits, overflow }) => {
        inputs++;
        const f = FOLDERS[fi]!;
        const name = f.names[file % f.names.length]!;
        const bytes = mutate(f.bytes[name]!, edits, overflow);
        try {
          checkLoad(f, name, bytes);
          if (inputs % compileEvery === 0) checkCompile(f, name, bytes);
          return true;
        } catch (err) {
          crashes++;
          throw err;
        }
      }),
      // No shrinking (slow on inputs this large): the failing file is written out whole, ready to keep as a fixture.
      { numRuns: runs, seed: Number(process.env.FUZZ_SEED ?? 20261127), endOnFailure: true },
    );
    reportFuzz('yaml-loader', { inputs, crashes, lost: 0 });
    if (result.failed) {
      const [example] = result.counterexample ?? [];
      const f = FOLDERS[example!.folder]!;
      const name = f.names[example!.file % f.names.length]!;
      const kept = join(tmpdir(), `${f === FOLDERS[0] ? 'dhcs' : 'mini'}.found.${name}`);
      writeFileSync(kept, mutate(f.bytes[name]!, example!.edits, example!.overflow));
      expect.fail(`input ${JSON.stringify(example).slice(0, 500)} failed: ${String(result.errorInstance ?? '')}\nthe file is in ${kept}: keep it as a fixture in ${FIXTURES}/`);
    }
    expect(inputs).toBeGreaterThanOrEqual(runs);
  }, 1_800_000); // a fixed number of inputs however busy the machine is: no time limit of its own
});
