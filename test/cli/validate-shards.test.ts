/**
 * Large inputs are judged in shards (compiler/io/judge.ts, compiler/io/shards.ts): records go to temporary
 * files by the bundle's shardKey, each shard is judged alone, and results come back in input order. The
 * output must be byte for byte what judging everything at once gives — for JSON Lines, CSV and 837 input,
 * JSON Lines and CSV output, the summary and the run report — whatever the number of shards; the bundle's
 * shardKey must really separate lines that never meet; and nothing is left in the temporary folder.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compileBundle } from '../../compiler/compile.ts';
import { loadBundle } from '../../compiler/examples.ts';
import { ClosedKeys, Judge, NotGrouped, shardCount, SHARD_MIN_BYTES, STREAM_WINDOW } from '../../compiler/io/judge.ts';
import { decodeEntry, encodeEntry, shardOf } from '../../compiler/io/shards.ts';
import { ResultWriter, streamTarget } from '../../compiler/io/output.ts';
import { RunStats } from '../../compiler/report/stats.ts';
import { CONFORMANCE_GUIDANCE, dayOf } from '../conformance/backends.ts';
import { bundleOf, DHCS, mustLoad, runCli } from '../helpers.ts';
import { write837 } from '../tools/make-837.ts';
import { prng } from '../tools/prng.ts';

const work = mkdtempSync(join(tmpdir(), 'codeguide-shards-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const bundlePath = join(work, 'dhcs.mjs');
beforeAll(() => writeFileSync(bundlePath, compileBundle(mustLoad(DHCS)).js));


const COMBOS: [string, string[]][] = [['G9008', ['U1']], ['G9008', ['U8']], ['G9012', ['U2']], ['T2040', ['U6']], ['T2050', ['U6']], ['H0043', ['U6']], ['H2016', ['U6']], ['H0044', ['U2']], ['T1016', ['U8']], ['99213', []], ['G9008', []]];

/** Lines of many members that meet in cross-line rules: same days, ranges, outreach after initiation. */
function generated(n: number, seed: number): Record<string, unknown>[] {
  const rand = prng(seed);
  return Array.from({ length: n }, (_, i) => {
    const [code, mods] = COMBOS[Math.floor(rand() * COMBOS.length)]!;
    const start = Math.floor(rand() * 40);
    const line: Record<string, unknown> = {
      claimId: `C${i >> 2}`, lineNumber: (i % 4) + 1, memberId: `M${Math.floor(rand() * n / 12)}`, serviceDate: dayOf(start),
      procedureCode: code, modifiers: rand() < 0.2 ? [...mods, 'GQ'] : mods, units: 1 + Math.floor(rand() * 3),
    };
    if (rand() < 0.15) line.serviceDateEnd = dayOf(start + Math.floor(rand() * 40));
    if (rand() < 0.3) line.amount = Math.round(rand() * 5000) / 100;
    if (rand() < 0.02) line.memberId = '   ';
    return line;
  });
}

/**
 * The same command with several --shards values: outputs equal, summaries equal but for the file name, and
 * with --report, run reports equal but for the run's time and file name.
 */
async function sameEverywhere(input: string, extra: string[] = []): Promise<string> {
  const outputs: string[] = [];
  const summaries: string[] = [];
  const reports: string[] = [];
  const report = extra.indexOf('--report');
  for (const shards of ['0', '1', '7', 'auto']) {
    const out = join(work, `out-${shards}`);
    const r = await runCli('validate', '--bundle', bundlePath, '--shards', shards, '--out', out, ...extra, input);
    expect(r.code, r.err).toBeLessThan(2);
    outputs.push(readFileSync(out, 'utf8'));
    summaries.push(r.err.replace(out, 'OUT'));
    if (report !== -1) reports.push(readFileSync(extra[report + 1]!, 'utf8').replace(out, 'OUT').replace(/lines in [\d.]+ s/, 'lines in T s'));
  }
  for (let i = 1; i < outputs.length; i++) {
    expect(outputs[i]).toBe(outputs[0]);
    expect(summaries[i]).toBe(summaries[0]);
    if (report !== -1) expect(reports[i]).toBe(reports[0]);
  }
  return outputs[0]!;
}

/** Write generated lines as CSV (every cell quoted); the path. */
function writeCsv(path: string, lines: Record<string, unknown>[]): string {
  const fields = ['claimId', 'lineNumber', 'memberId', 'serviceDate', 'serviceDateEnd', 'procedureCode', 'modifiers', 'units', 'amount'];
  const cell = (v: unknown) => (v === undefined ? '' : Array.isArray(v) ? v.join(' ') : `"${String(v).replace(/"/g, '""')}"`);
  writeFileSync(path, `${fields.join(',')}\r\n${lines.map((l) => fields.map((f) => cell(l[f])).join(',')).join('\r\n')}\r\n`);
  return path;
}

/**
 * Drive a Judge to the end, as validate does: the output text, how much of it was written before the input
 * ended, and — judging as the input streams (`stream`) — the index of the record at which it gave up
 * (NotGrouped), or -1.
 */
async function judged(lines: readonly unknown[], shards: number | null, o: { minBytes?: number; bytesPerLine?: number; stream?: boolean } = {}): Promise<{ text: string; early: number; gaveUpAt: number }> {
  let text = '';
  const writer = new ResultWriter(streamTarget({ write: (s) => { text += s; return true; } }), 'jsonl', false);
  const judge = new Judge(bundleValidator as never, {}, shards, { stats: new RunStats(true), format: writer.format }, o.minBytes, o.stream ? writer : undefined);
  expect(judge.streaming).toBe(o.stream === true);
  try {
    for (let i = 0; i < lines.length; i++) {
      try {
        await judge.add(lines[i], null, (o.bytesPerLine ?? 0) * (i + 1));
      } catch (e) {
        if (e instanceof NotGrouped) return { text, early: text.length, gaveUpAt: i };
        throw e;
      }
    }
    const early = text.length;
    await judge.write(writer);
    await writer.close();
    return { text, early, gaveUpAt: -1 };
  } finally {
    judge.dispose();
  }
}
let bundleValidator: unknown;
const asText = (results: readonly unknown[]) => results.map((r) => `${JSON.stringify(r)}\n`).join('');

describe('validate in shards gives what validating at once gives', () => {
  it('the shipped JSON Lines sample (every status, unreadable lines) and both 837 samples', async () => {
    for (const f of ['encounters.jsonl', 'encounters-837p.x12', 'encounters-837i.x12']) {
      const out = await sameEverywhere(join(DHCS, 'sample', f));
      expect(out.length).toBeGreaterThan(0);
    }
  });

  it('6,000 generated lines with cross-line findings, as JSON Lines, CSV (also CSV out) and 837P', async () => {
    const lines = generated(6000, 11);
    const jsonl = join(work, 'gen.jsonl');
    // Hostile values a reader can hand on: a number JSON cannot write, a __proto__ key, lines that are not JSON.
    const text = lines.map((l) => JSON.stringify(l)).join('\n').replace('"units":1,', '"units":1e999,').replace('"units":2,', '"__proto__":{"x":1},"units":2,');
    writeFileSync(jsonl, `${text}\nnot json\n{"claimId":"C9","lineNumber":1,"memberId":"M1","serviceDate":"2024-04-02","procedureCode":"T2050","modifiers":["U6"],"units":1}\n`);
    const out = await sameEverywhere(jsonl);
    const results = out.trim().split('\n').map((l) => JSON.parse(l) as { index: number; findings: { category: string }[] });
    expect(results.map((r) => r.index)).toEqual(results.map((_, i) => i));
    // The cross-line rules did fire (the shards had something to separate).
    for (const c of ['exclusive-same-day', 'outreach-after-initiation', 'units-mismatch', 'invalid-record']) {
      expect(results.some((r) => r.findings.some((f) => f.category === c)), c).toBe(true);
    }
    await sameEverywhere(jsonl, ['--out-format', 'csv']);

    await sameEverywhere(writeCsv(join(work, 'gen.csv'), lines));

    const x12 = join(work, 'gen.x12');
    writeFileSync(x12, write837(lines.filter((l) => l.memberId !== '   ') as never, { kind: 'P' }), 'latin1');
    await sameEverywhere(x12, ['--report', join(work, 'report.html')]);
  });

  it('removes its temporary files, and refuses a bad --shards', async () => {
    const before = readdirSync(tmpdir()).filter((d) => d.startsWith('codeguide-shards-') && !d.startsWith('codeguide-shards-test-')).length;
    await runCli('validate', '--bundle', bundlePath, '--shards', '5', '--out', join(work, 'o'), join(DHCS, 'sample', 'encounters.jsonl'));
    const after = readdirSync(tmpdir()).filter((d) => d.startsWith('codeguide-shards-') && !d.startsWith('codeguide-shards-test-')).length;
    expect(after).toBe(before);
    const bad = await runCli('validate', '--bundle', bundlePath, '--shards', 'many', join(DHCS, 'sample', 'encounters.jsonl'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--shards takes auto or a whole number/);
  });

  it('auto: files below the threshold in memory, larger ones in shards; unknown sizes decide on the way', async () => {
    expect(shardCount(undefined, 1000)).toBe(0);
    expect(shardCount('auto', SHARD_MIN_BYTES)).toBeGreaterThan(1);
    expect(shardCount(undefined, 0)).toBeNull();
    const bundle = await bundleOf(DHCS);
    bundleValidator = bundle;
    const lines = generated(3000, 5);
    const want = asText(bundle.validate(lines));
    // Standard input: held until minBytes have been read, then sharded.
    for (const minBytes of [1, 100_000, Infinity]) expect((await judged(lines, null, { minBytes, bytesPerLine: 200 })).text).toBe(want);
  });

  it('more records than one block of the record → shard table (70,000 lines, 5 shards)', async () => {
    const bundle = await bundleOf(DHCS);
    bundleValidator = bundle;
    const lines = generated(70_000, 3);
    expect((await judged(lines, 5)).text).toBe(asText(bundle.validate(lines)));
  });
});

/** The lines sorted by member (stably: each member's lines keep their order), so that each member's come one after another. */
function byMember(lines: Record<string, unknown>[]): Record<string, unknown>[] {
  return [...lines].sort((a, b) => (a.memberId === b.memberId ? 0 : String(a.memberId) < String(b.memberId) ? -1 : 1));
}

/** Where judging as the input streams gives up (judged). */
const givesUpAt = async (lines: readonly unknown[]): Promise<number> => (await judged(lines, 0, { stream: true })).gaveUpAt;

describe('judged as the input streams (an input grouped by member)', () => {
  beforeAll(async () => { bundleValidator = await bundleOf(DHCS); });

  it('writes each member\'s results once the next member comes, the same as judging at once', async () => {
    const bundle = await bundleOf(DHCS);
    for (const seed of [21, 22]) {
      // Blank member IDs (invalid, judged alone) fall between the groups and inside them.
      const lines = byMember(generated(4000, seed));
      const { text, early, gaveUpAt } = await judged(lines, 0, { stream: true });
      expect(gaveUpAt).toBe(-1);
      expect(text).toBe(asText(bundle.validate(lines)));
      // Most of it was written while the records were still coming.
      expect(early).toBeGreaterThan(text.length / 2);
    }
  });

  it('gives up at the first key that comes back, and at a group larger than STREAM_WINDOW', async () => {
    const sorted = byMember(generated(3000, 23)).filter((l) => l.memberId !== '   ');
    expect(await givesUpAt(sorted)).toBe(-1);
    // Two sorted files one after the other: the second's first member was the first's.
    const half = sorted.slice(0, 1500);
    expect(await givesUpAt([...half, ...half])).toBe(1500);
    // Unsorted: where the first member comes back after another member's lines.
    const lines = generated(3000, 24);
    const firstBack = lines.findIndex((l, i) => i > 0 && l.memberId !== lines[i - 1]!.memberId && lines.slice(0, i).some((m) => m.memberId === l.memberId));
    expect(firstBack).toBeGreaterThan(0);
    expect(await givesUpAt(lines)).toBe(firstBack);
    const one = Array.from({ length: STREAM_WINDOW + 1 }, (_, i) => ({ ...sorted[0]!, memberId: 'M1', claimId: `C${i}` }));
    expect(await givesUpAt(one)).toBe(STREAM_WINDOW);
  });

  it('a line that is not valid never gives up, whichever member it names: it is judged alone', async () => {
    const bundle = await bundleOf(DHCS);
    const sorted = byMember(generated(2000, 25)).filter((l) => l.memberId !== '   ');
    const first = sorted[0]!;
    const last = sorted[sorted.length - 1]!;
    const middle = sorted.findIndex((l, i) => i > 0 && l.memberId === sorted[i - 1]!.memberId && l.memberId !== first.memberId);
    // The first member's lines again, not valid: after the last group, and inside another member's group.
    const lines = [...sorted.slice(0, middle), { ...first, units: 0 }, ...sorted.slice(middle), { ...first, serviceDate: '2024-02-30' }, { ...last, units: -1 }];
    const { text, gaveUpAt } = await judged(lines, 0, { stream: true });
    expect(gaveUpAt).toBe(-1);
    expect(text).toBe(asText(bundle.validate(lines)));
    // The same line valid does give up.
    expect(await givesUpAt([...sorted, { ...first }])).toBe(sorted.length);
  });

  it('drawn orders: grouped inputs stream to the output of judging at once; any other gives up where a member first comes back', async () => {
    const bundle = await bundleOf(DHCS);
    const material = generated(3000, 31);
    const outcomes = { streamed: 0, gaveUp: 0 };
    for (let seed = 0; seed < 24; seed++) {
      const rand = prng(100 + seed);
      // Groups of 1–30 lines, members named in a drawn order, lines that are not valid (judged alone) strewn among them.
      const lines: Record<string, unknown>[] = [];
      const members = Array.from({ length: 40 }, (_, i) => `M${i}`).sort(() => rand() - 0.5);
      for (const m of members) {
        const size = 1 + Math.floor(rand() * 30);
        for (let k = 0; k < size; k++) {
          lines.push({ ...material[Math.floor(rand() * material.length)]!, memberId: m });
          if (rand() < 0.05) lines.push({ claimId: 'C0', memberId: m });
        }
      }
      // Half the inputs: one member comes back somewhere.
      if (seed % 2 === 1) lines.splice(Math.floor(rand() * lines.length), 0, { ...material[0]!, memberId: members[Math.floor(rand() * 3)]! });
      const valid = (l: Record<string, unknown>) => bundle.validate([l])[0]!.status !== 'invalid';
      let firstBack = -1;
      const seen = new Set<unknown>();
      let open: unknown = null;
      for (let i = 0; i < lines.length && firstBack === -1; i++) {
        if (!valid(lines[i]!)) continue;
        const m = lines[i]!.memberId;
        if (m === open) continue;
        if (seen.has(m)) firstBack = i;
        seen.add((open = m));
      }
      const { text, gaveUpAt } = await judged(lines, 0, { stream: true });
      expect(gaveUpAt).toBe(firstBack);
      if (firstBack === -1) expect(text).toBe(asText(bundle.validate(lines)));
      outcomes[firstBack === -1 ? 'streamed' : 'gaveUp']++;
    }
    expect(outcomes.streamed).toBeGreaterThan(5);
    expect(outcomes.gaveUp).toBeGreaterThan(5);
  });

  it('standard input streams too, read again from a copy when it is not grouped after all', () => {
    const before = readdirSync(tmpdir()).filter((d) => d.startsWith('codeguide-input-')).length;
    const sorted = byMember(generated(2000, 27));
    const text = sorted.map((l) => `${JSON.stringify(l)}\n`).join('');
    // Grouped; the same twice (gives up at the second half); drawn order (gives up at once).
    for (const input of [text, text + text, generated(2000, 28).map((l) => `${JSON.stringify(l)}\n`).join('')]) {
      const file = join(work, 'stdin.jsonl');
      writeFileSync(file, input);
      const fromFile = join(work, 'from-file.jsonl');
      const fromStdin = join(work, 'from-stdin.jsonl');
      const a = spawnSync(process.execPath, ['compiler/bin.mjs', 'validate', '--bundle', bundlePath, '--shards', '0', '--out', fromFile, file], { encoding: 'utf8' });
      const b = spawnSync(process.execPath, ['compiler/bin.mjs', 'validate', '--bundle', bundlePath, '--out', fromStdin, '-'], { input, encoding: 'utf8' });
      expect(a.status, a.stderr).toBe(1);
      expect(b.status, b.stderr).toBe(1);
      expect(b.stderr.replace(fromStdin, 'OUT')).toBe(a.stderr.replace(fromFile, 'OUT'));
      expect(readFileSync(fromStdin, 'utf8')).toBe(readFileSync(fromFile, 'utf8'));
    }
    // The copy is removed.
    expect(readdirSync(tmpdir()).filter((d) => d.startsWith('codeguide-input-')).length).toBe(before);
  }, 120_000);

  it('tells a key that comes back without remembering keys that rise, as text or as numbers', () => {
    const keys = new ClosedKeys(4);
    for (let i = 1; i <= 200; i++) {
      expect(keys.isNew(`M${i}`)).toBe(true); // M9 → M10 rises as a number, not as text
      keys.close(`M${i}`);
    }
    expect(keys.isNew('M7')).toBe(false);
    expect(keys.isNew('M200')).toBe(false);
    expect(keys.isNew('M201')).toBe(true);
    // In no order: remembered while there are few, and "cannot tell" (not new) once there are too many.
    const few = new ClosedKeys(10);
    for (const k of ['Q', 'B', 'Z', 'A']) { expect(few.isNew(k)).toBe(true); few.close(k); }
    expect(few.isNew('B')).toBe(false);
    expect(few.isNew('C')).toBe(true);
    const many = new ClosedKeys(3);
    for (const k of ['Q', 'B', 'Z', 'A']) many.close(k);
    expect(many.isNew('C')).toBe(false);
  });

  it('the CLI: grouped JSON Lines, CSV and 837 stream to the output of every other way; a late key that comes back starts again', async () => {
    const add = vi.spyOn(Judge.prototype, 'add');
    try {
      const lines = byMember(generated(3000, 25));
      const jsonl = join(work, 'sorted.jsonl');
      writeFileSync(jsonl, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
      add.mockClear();
      await sameEverywhere(jsonl, ['--report', join(work, 'report.html')]);
      // Four runs (--shards 0, 1, 7, auto), each record added once: auto streamed to the end.
      expect(add).toHaveBeenCalledTimes(4 * lines.length);
      await sameEverywhere(jsonl, ['--out-format', 'csv']);
      add.mockClear();
      await sameEverywhere(writeCsv(join(work, 'sorted.csv'), lines));
      expect(add).toHaveBeenCalledTimes(4 * lines.length);

      const x12 = join(work, 'sorted.x12');
      const served = lines.filter((l) => l.memberId !== '   ');
      writeFileSync(x12, write837(served as never, { kind: 'P' }), 'latin1');
      add.mockClear();
      await sameEverywhere(x12);
      expect(add).toHaveBeenCalledTimes(4 * served.length);

      // The same file twice: streaming gives up at the second half and the file is read again.
      const twice = join(work, 'twice.jsonl');
      writeFileSync(twice, readFileSync(jsonl, 'utf8').repeat(2));
      add.mockClear();
      const out = await sameEverywhere(twice);
      expect(add.mock.calls.length).toBeGreaterThan(4 * 2 * lines.length);
      expect(out.trim().split('\n')).toHaveLength(2 * lines.length);
      // Nothing left beside the output.
      expect(readdirSync(work).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      add.mockRestore();
    }
  });
});

describe('the bundle\'s shardKey', () => {
  it('separates lines that never meet: validating each shard alone gives validate()\'s results', async () => {
    const bundle = (await bundleOf(DHCS)) as Awaited<ReturnType<typeof bundleOf>> & { shardKey(l: unknown, o?: unknown): string | null };
    for (const seed of [1, 2, 3]) {
      // Lines not valid in a field other than the member's have that member's key: judged in its shard, they come out as judged with all lines.
      const lines = generated(2000, seed).map((l, i) => (i % 37 === 5 ? { ...l, units: -1 } : i % 41 === 7 ? { ...l, serviceDate: '2024-02-30' } : l));
      const want = bundle.validate(lines);
      expect(want.filter((r) => r.status === 'invalid').length).toBeGreaterThan(100);
      const shards = new Map<string, number[]>();
      lines.forEach((l, i) => {
        const key = bundle.shardKey(l) ?? `alone ${i}`;
        shards.set(key, [...(shards.get(key) ?? []), i]);
      });
      // Many shards: the key is finer than "everything together".
      expect(shards.size).toBeGreaterThan(50);
      const got = new Array(lines.length);
      for (const indexes of shards.values()) {
        bundle.validate(indexes.map((i) => lines[i])).forEach((r, k) => { got[indexes[k]!] = { ...r, index: indexes[k] }; });
      }
      expect(got).toEqual(want);
    }
  });

  it('is null for a record that is not valid, and the same for lines of one member', async () => {
    const bundle = (await bundleOf(DHCS)) as unknown as { shardKey(l: unknown, o?: unknown): string | null };
    expect(bundle.shardKey({ claimId: 'C1' })).toBeNull();
    expect(bundle.shardKey(42)).toBeNull();
    const a = generated(2, 9).map((l) => ({ ...l, memberId: 'M7' }));
    expect(bundle.shardKey(a[0])).toBe(bundle.shardKey(a[1]));
    expect(bundle.shardKey(a[0])).not.toBeNull();
  });

  it('reads the key on its own: the same whether the record is read straight off or through its guards, null when the key cannot be read', async () => {
    const bundle = (await bundleOf(DHCS)) as unknown as { shardKey(l: unknown, o?: unknown): string | null };
    for (const l of generated(300, 10).filter((x) => x.memberId !== '   ')) {
      const key = bundle.shardKey(l);
      expect(key).not.toBeNull();
      // Another field wrong: the same key (the line is judged alone or in its member's shard, the same either way).
      expect(bundle.shardKey({ ...l, units: 'many' })).toBe(key);
      // Not a plain object: read by the guarded check, to the same key.
      expect(bundle.shardKey(Object.assign(Object.create(null), l))).toBe(key);
      expect(bundle.shardKey(new Proxy({ ...l }, {}))).toBe(key);
      // The key's own field wrong or unreadable: null.
      expect(bundle.shardKey({ ...l, memberId: ' \t' })).toBeNull();
      expect(bundle.shardKey({ ...l, memberId: 7 })).toBeNull();
      expect(bundle.shardKey(Object.defineProperty({ ...l }, 'memberId', { get() { throw new Error('no'); } }))).toBeNull();
    }
    // A key field's name on Object.prototype is not read as a missing field's value; another field's name changes nothing.
    const { memberId, ...noMember } = generated(1, 11)[0]!;
    for (const name of ['memberId', 'amount']) {
      Object.defineProperty(Object.prototype, name, { value: 'M9', configurable: true, writable: true });
      try {
        expect(bundle.shardKey(noMember)).toBeNull();
        expect(bundle.shardKey({ ...noMember, memberId })).toBe(String(memberId));
      } finally {
        delete (Object.prototype as Record<string, unknown>)[name];
      }
    }
  });
});

describe('the shardKey of groups keyed on two fields', () => {
  it('reads both alone, gives the guarded reading\'s key, and separates only lines that never meet', async () => {
    // The conformance rule set with its one cross-line rule looking in memberPlan (member and plan) instead.
    const work = mkdtempSync(join(tmpdir(), 'codeguide-shardkey-'));
    const dir = join(work, 'conformance-guidance');
    try {
      cpSync(CONFORMANCE_GUIDANCE, dir, { recursive: true });
      const rules = join(dir, '1.0', 'rules.yaml');
      writeFileSync(rules, readFileSync(rules, 'utf8').replace('over: memberDay', 'over: memberPlan').replaceAll('any(memberDay,', 'any(memberPlan,'));
      const bundle = (await loadBundle(compileBundle(mustLoad(dir)).js)) as unknown as { validate(l: unknown[]): { status: string }[]; shardKey(l: unknown): string | null };
      const base = { claimId: 'C1', lineNumber: 1, memberId: 'M1', serviceDate: '2024-04-01', procedureCode: 'T2040', modifiers: ['U6'], units: 1 };
      expect(bundle.shardKey({ ...base, planId: 'P1' })).toBe(JSON.stringify(['M1', 'P1']));
      expect(bundle.shardKey(base)).toBe(JSON.stringify(['M1', null]));
      for (const l of [base, { ...base, planId: 'P1' }]) {
        expect(bundle.shardKey({ ...l, units: 0 })).toBe(bundle.shardKey(l));
        expect(bundle.shardKey(Object.assign(Object.create(null), l))).toBe(bundle.shardKey(l));
        expect(bundle.shardKey({ ...l, memberId: '  ' })).toBeNull();
        expect(bundle.shardKey({ ...l, planId: 5 })).toBeNull();
      }
      // Drawn lines of 40 members and two plans or none (some not valid): each shard judged alone gives validate()'s results.
      const rand = prng(77);
      const lines = Array.from({ length: 400 }, (_, i) => ({
        ...base, claimId: `C${i}`, memberId: `M${Math.floor(rand() * 40)}`, serviceDate: dayOf(Math.floor(rand() * 3)),
        procedureCode: rand() < 0.5 ? 'T2040' : 'T2050', units: rand() < 0.05 ? 0 : 1, ...(rand() < 0.5 ? { planId: `P${Math.floor(rand() * 2)}` } : {}),
      }));
      const want = bundle.validate(lines);
      expect(new Set(want.map((r) => r.status))).toEqual(new Set(['accepted', 'rejected', 'invalid']));
      const shards = new Map<string, number[]>();
      lines.forEach((l, i) => { const key = bundle.shardKey(l) ?? `alone ${i}`; shards.set(key, [...(shards.get(key) ?? []), i]); });
      expect(shards.size).toBe(new Set(lines.map((l) => JSON.stringify([l.memberId, l.planId ?? null]))).size);
      const got = new Array(lines.length);
      for (const indexes of shards.values()) bundle.validate(indexes.map((i) => lines[i])).forEach((r, k) => { got[indexes[k]!] = { ...r, index: indexes[k] }; });
      expect(got).toEqual(want);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('shard entries', () => {
  it('come back exactly as written, numbers JSON cannot carry included', () => {
    const values = [{ a: 1, b: 'x\ny', c: null, d: [1, 2] }, { units: Infinity, n: -Infinity, z: NaN }, JSON.parse('{"__proto__":{"x":1},"k":"\\u2028"}'), 'null', [null, 1e999]];
    for (const v of values) {
      const line = encodeEntry(v);
      expect(line.endsWith('\n')).toBe(true);
      expect(line.slice(0, -1)).not.toContain('\n');
      expect(decodeEntry(line.slice(0, -1))).toEqual(v);
    }
    expect(Object.hasOwn(decodeEntry(encodeEntry(values[2]).slice(0, -1)) as object, '__proto__')).toBe(true);
  });

  it('spread over every shard', () => {
    const counts = new Array(16).fill(0);
    for (let i = 0; i < 16_000; i++) counts[shardOf(`M${i}`, 16)]++;
    expect(Math.min(...counts)).toBeGreaterThan(800);
  });
});
