/**
 * While an input is judged in shards, V8's heap growing factor is bounded (compiler/io/shards.ts,
 * boundHeapGrowth) and V8's own choice is put back when the judge is done with, also after an error; a
 * process started with its own `--heap-growing-percent` keeps it. `node:v8`'s setFlagsFromString is
 * watched here (the rest of the module is the real one: shard entries use its serialize).
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LineResult } from '../../compiler/interpret.ts';

const flags: string[] = [];
vi.mock('node:v8', async (real) => ({ ...(await real<typeof import('node:v8')>()), setFlagsFromString: (f: string) => { flags.push(f); } }));

const { boundHeapGrowth, SHARDED_HEAP_GROWING_PERCENT } = await import('../../compiler/io/shards.ts');
const { Judge } = await import('../../compiler/io/judge.ts');
const { ResultWriter, streamTarget } = await import('../../compiler/io/output.ts');
const { RunStats } = await import('../../compiler/report/stats.ts');
const { bundleOf, DHCS, line } = await import('../helpers.ts');

const BOUND = `--heap-growing-percent=${SHARDED_HEAP_GROWING_PERCENT}`;
const V8_CHOOSES = '--heap-growing-percent=0';
afterEach(() => { flags.length = 0; });

describe('boundHeapGrowth', () => {
  it('bounds the growing factor, and the function it returns puts V8\'s choice back', () => {
    const unbound = boundHeapGrowth();
    expect(flags).toEqual([BOUND]);
    unbound();
    expect(flags).toEqual([BOUND, V8_CHOOSES]);
  });

  it('leaves a growing factor given to the process alone (NODE_OPTIONS or the command line)', () => {
    const before = process.env.NODE_OPTIONS;
    try {
      for (const given of ['--heap-growing-percent=7', '--max-old-space-size=512 --heap_growing_percent=30']) {
        process.env.NODE_OPTIONS = given;
        boundHeapGrowth()();
      }
      process.env.NODE_OPTIONS = '--max-old-space-size=512';
      boundHeapGrowth()();
    } finally {
      if (before === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = before;
    }
    expect(flags).toEqual([BOUND, V8_CHOOSES]);
    const argv = process.execArgv;
    Object.defineProperty(process, 'execArgv', { value: [...argv, '--heap-growing-percent=40'], configurable: true });
    try {
      boundHeapGrowth()();
    } finally {
      Object.defineProperty(process, 'execArgv', { value: argv, configurable: true });
    }
    expect(flags).toEqual([BOUND, V8_CHOOSES]);
  });
});

describe('the judge', () => {
  let bundle: Awaited<ReturnType<typeof bundleOf>>;
  beforeAll(async () => { bundle = await bundleOf(DHCS); });
  const lines = Array.from({ length: 40 }, (_, i) => line({ memberId: `M${i % 5}`, claimId: `C${i}`, procedureCode: 'G9008', modifiers: ['U1'] }));

  async function judge(shards: number, fail = false): Promise<string> {
    let text = '';
    const writer = new ResultWriter(streamTarget({ write: (s) => { text += s; return true; } }), 'jsonl', false);
    const validator = fail ? { ...bundle, createValidator: () => { throw new Error('broken'); } } : bundle;
    const judge = new Judge(validator as never, {}, shards, { stats: new RunStats(false), format: writer.format });
    try {
      for (const l of lines) judge.add(l, null, 0);
      expect(flags).toEqual(shards > 0 ? [BOUND] : []);
      await judge.write(writer);
      await writer.close();
      return text;
    } finally {
      judge.dispose();
    }
  }

  it('bounds the heap while it judges in shards, and puts it back when disposed of', async () => {
    const text = await judge(3);
    expect(flags).toEqual([BOUND, V8_CHOOSES]);
    expect(text).toBe(bundle.validate(lines).map((r: LineResult) => `${JSON.stringify(r)}\n`).join(''));
  });

  it('puts it back also when judging fails', async () => {
    await expect(judge(3, true)).rejects.toThrow('broken');
    expect(flags).toEqual([BOUND, V8_CHOOSES]);
  });

  it('leaves the heap alone when judging in memory', async () => {
    await judge(0);
    expect(flags).toEqual([]);
  });
});
