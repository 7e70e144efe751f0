/**
 * The output path never loses a line: write errors exit 2 with a plain message,
 * results replace --out only when complete (an interrupted run leaves the old
 * file), input and output the same file is refused, `| head -1` ends quietly
 * with the exit code the lines earned, and standard output honours backpressure.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../compiler/cli.ts';
import { ResultWriter, streamTarget } from '../../compiler/io/output.ts';
import { MINI, runCli } from '../helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'codeguide-vout-'));
const bundle = join(work, 'mini.mjs');
const good = { claimId: 'C1', lineNumber: 1, memberId: 'M1', serviceDate: '2024-04-01', procedureCode: 'G9008', modifiers: ['U1'], units: 1 };
const input = join(work, 'in.jsonl');
const BIN = 'compiler/bin.mjs';

beforeAll(async () => {
  expect(await main(['compile', MINI, '--out', bundle], { write: () => true }, { write: () => true })).toBe(0);
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) lines.push(JSON.stringify({ ...good, lineNumber: i + 1, modifiers: i % 7 === 0 ? ['U9'] : ['U1'] }));
  writeFileSync(input, `${lines.join('\n')}\n`);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = runCli;

describe('write errors', () => {
  it('a full device (/dev/full) exits 2 and says why', async () => {
    const { code, err } = await run('validate', '--bundle', bundle, '--out', '/dev/full', input);
    expect(code).toBe(2);
    expect(err).toMatch(/cannot write \/dev\/full: no space left on the device \(ENOSPC\)/);
    expect(err).not.toMatch(/lines →/);
  });

  it('a directory, or a path under a plain file, exits 2 and says why', async () => {
    const dir = join(work, 'a-dir');
    mkdirSync(dir, { recursive: true });
    const asDir = await run('validate', '--bundle', bundle, '--out', dir, input);
    expect(asDir.code).toBe(2);
    expect(asDir.err).toMatch(/cannot write .*a-dir: it is a directory/);
    const underFile = await run('validate', '--bundle', bundle, '--out', join(input, 'x.jsonl'), input);
    expect(underFile.code).toBe(2);
    expect(underFile.err).toMatch(/cannot write .*in\.jsonl\/x\.jsonl/);
  });

  it('the report path is held to the same rules', async () => {
    const { code, err } = await run('validate', '--bundle', bundle, '--out', join(work, 'ok.jsonl'), '--report', '/dev/full', input);
    expect(code).toBe(2);
    expect(err).toMatch(/cannot write \/dev\/full/);
  });
});

describe('the same file as input and output', () => {
  it('is refused, and the input is untouched', async () => {
    const copy = join(work, 'same.jsonl');
    writeFileSync(copy, `${JSON.stringify(good)}\n`);
    const before = readFileSync(copy, 'utf8');
    for (const out of [copy, join(work, '.', 'same.jsonl')]) {
      const { code, err } = await run('validate', '--bundle', bundle, '--out', out, copy);
      expect(code).toBe(2);
      expect(err).toMatch(/is the input file/);
    }
    expect(readFileSync(copy, 'utf8')).toBe(before);
  });
});

describe('results replace --out only when complete', () => {
  it('a finished run replaces the old file and leaves no temporary file', async () => {
    const out = join(work, 'done', 'results.jsonl');
    mkdirSync(join(work, 'done'), { recursive: true });
    writeFileSync(out, 'old\n');
    const { code } = await run('validate', '--bundle', bundle, '--out', out, input);
    expect(code).toBe(1);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(3000);
    expect(readdirSync(join(work, 'done'))).toEqual(['results.jsonl']);
  });

  it('an interrupted run leaves the previous file intact and says so', async () => {
    const dir = join(work, 'interrupted');
    mkdirSync(dir, { recursive: true });
    const out = join(dir, 'results.jsonl');
    writeFileSync(out, 'previous results\n');
    // Standard input is fed part of the input and kept open: the run is under way when it is stopped.
    const child = spawn(process.execPath, [BIN, 'validate', '--bundle', bundle, '--format', 'jsonl', '--out', out, '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const exit = new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    child.stdin.write(`${JSON.stringify(good)}\n`.repeat(2000));
    for (let i = 0; i < 400 && !readdirSync(dir).some((f) => f.endsWith('.tmp')); i++) await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp')), stderr).toBe(true);
    child.kill('SIGTERM');
    const code = await exit;
    expect(code).toBe(143);
    expect(stderr).toMatch(/interrupted \(SIGTERM\); .*results\.jsonl was left as it was/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(out, 'utf8')).toBe('previous results\n');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);
});

describe('standard output', () => {
  it('| head -1 ends quietly, with the exit code the lines earned', () => {
    const r = spawnSync('bash', ['-c', `node ${BIN} validate --bundle ${bundle} ${input} | head -1; echo "exit=\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8' });
    expect(JSON.parse(r.stdout.trim()).index).toBe(0);
    expect(r.stderr).toMatch(/exit=1\n/); // some lines are rejected (U9)
    expect(r.stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
    expect(r.stderr).toMatch(/3000 lines/);
  });

  it('waits for a slow reader instead of buffering every result (backpressure)', async () => {
    let peak = 0;
    let received = 0;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, done) {
        received += chunk.toString().split('\n').length - 1;
        setTimeout(done, 1);
      },
    });
    const writer = new ResultWriter(streamTarget(slow), 'jsonl', false);
    const result = { index: 0, claimId: 'C1', lineNumber: 1, status: 'accepted' as const, program: null, service: null, delivery: null, staff: null, outreach: null, billableUnits: null, guidanceVersion: null, findings: [] };
    for (let i = 0; i < 20_000; i++) {
      await writer.write({ ...result, index: i });
      peak = Math.max(peak, slow.writableLength);
    }
    await writer.close();
    await new Promise<void>((done) => slow.end(done));
    expect(received).toBe(20_000);
    // Never more than one block (64 KiB) waiting beyond the stream's own buffer.
    expect(peak).toBeLessThanOrEqual(16 * 1024 + 70 * 1024);
  });

  it('a missing input file exits 2 and leaves an existing --out alone', async () => {
    const out = join(work, 'keep.jsonl');
    writeFileSync(out, 'keep\n');
    const { code, err } = await run('validate', '--bundle', bundle, '--out', out, join(work, 'missing.jsonl'));
    expect(code).toBe(2);
    expect(err).toMatch(/cannot read .*missing\.jsonl: no such file/);
    expect(readFileSync(out, 'utf8')).toBe('keep\n');
    expect(existsSync(join(work, '.keep.jsonl.tmp'))).toBe(false);
  });
});
