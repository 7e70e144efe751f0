/**
 * The CLI against a plain read-parse-stringify-write pass over the same file,
 * per input format (JSON Lines, CSV, X12 837P): `codeguide validate --out`
 * should take at most 2× the plain pass. Prints both times, the ratio, and
 * lines/s and MB/s for each. Run by `npm run bench` (after the bundle bench),
 * or alone: `node --import tsx test/bench/cli.ts`. BENCH_LINES sets the size.
 * Each member's lines come one after another in these files, so the CLI judges
 * them as they stream; the JSON Lines file is timed again with its lines in
 * random order (judged in memory or in shards).
 */
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse';
import { main } from '../../compiler/cli.ts';
import { fileTarget, ResultWriter, type OutputResult } from '../../compiler/io/output.ts';
import { readItemBatches } from '../../compiler/io/source.ts';
import { prng } from '../tools/prng.ts';
import { writeBenchFiles } from './files.ts';

const N = Number(process.env.BENCH_CLI_LINES ?? process.env.BENCH_LINES ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const work = mkdtempSync(join(tmpdir(), 'codeguide-bench-cli-'));
const quiet = { write: () => true };


/** Write text to a file stream, waiting when it is full. */
async function put(out: ReturnType<typeof createWriteStream>, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
}
async function done(out: ReturnType<typeof createWriteStream>): Promise<void> {
  await new Promise<void>((r) => out.end(r));
}

/** The plain passes: read, parse each record, stringify it, write it — nothing else. */
const PLAIN: Record<string, (input: string, output: string) => Promise<void>> = {
  async jsonl(input, output) {
    const out = createWriteStream(output);
    let rest = '';
    let block = '';
    for await (const chunk of createReadStream(input, { encoding: 'utf8', highWaterMark: 256 * 1024 })) {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      for (const l of lines) block += `${JSON.stringify(JSON.parse(l))}\n`;
      if (block.length > 65536) { await put(out, block); block = ''; }
    }
    if (rest !== '') block += `${JSON.stringify(JSON.parse(rest))}\n`;
    await put(out, block);
    await done(out);
  },
  async csv(input, output) {
    const out = createWriteStream(output);
    let block = '';
    for await (const row of createReadStream(input).pipe(parse({ columns: true }))) {
      block += `${JSON.stringify(row)}\n`;
      if (block.length > 65536) { await put(out, block); block = ''; }
    }
    await put(out, block);
    await done(out);
  },
  async x12(input, output) {
    // Segments split by the known separators; each service line as a record with its claim's and member's values.
    const out = createWriteStream(output);
    let rest = '';
    let block = '';
    let member = '';
    let claim = '';
    let line: Record<string, unknown> | null = null;
    const flush = (): void => { if (line !== null) block += `${JSON.stringify(line)}\n`; line = null; };
    for await (const chunk of createReadStream(input, { encoding: 'latin1', highWaterMark: 256 * 1024 })) {
      const segments = (rest + chunk).split('~');
      rest = segments.pop()!;
      for (const s of segments) {
        const e = s.trim().split('*');
        switch (e[0]) {
          case 'NM1': if (e[1] === 'IL') member = e[9]!; break;
          case 'CLM': flush(); claim = e[1]!; break;
          case 'LX': flush(); line = { claimId: claim, lineNumber: Number(e[1]), memberId: member }; break;
          case 'SV1': { const c = e[1]!.split(':'); Object.assign(line!, { procedureCode: c[1], modifiers: c.slice(2), amount: Number(e[2]), units: Number(e[4]), placeOfService: e[5] }); break; }
          case 'DTP': if (e[1] === '472') line!.serviceDate = e[3]; break;
          case 'SE': flush(); break;
        }
      }
      if (block.length > 65536) { await put(out, block); block = ''; }
    }
    flush();
    await put(out, block);
    await done(out);
  },
};

async function time(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const bundle = join(work, 'dhcs.mjs');
if (await main(['compile', 'rules/dhcs-ecm-cs', '--out', bundle], quiet, quiet) !== 0) throw new Error('the DHCS rules do not compile');
const validator = (await import(pathToFileURL(bundle).href)) as { createValidator(): { add(line: unknown): void; finish(): OutputResult[] } };
const files = writeBenchFiles(work, N);
// The JSON Lines file's lines in random order: members no longer one after another.
const shuffled = join(work, 'in-random.jsonl');
const rand = prng(3);
const lines = readFileSync(files.jsonl, 'utf8').split('\n').slice(0, -1);
for (let i = lines.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [lines[i], lines[j]] = [lines[j]!, lines[i]!];
}
writeFileSync(shuffled, `${lines.join('\n')}\n`);

console.log(`codeguide CLI bench: ${N.toLocaleString('en-US')} lines per format, ${ROUNDS} alternating rounds, medians; each member's lines one after another, then (jsonl*) in random order`);
for (const [label, format, input] of [['jsonl', 'jsonl', files.jsonl], ['csv', 'csv', files.csv], ['x12', 'x12', files.x12], ['jsonl*', 'jsonl', shuffled]] as const) {
  const mb = statSync(input).size / 1e6;
  const plain: number[] = [];
  const cli: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    plain.push(await time(() => PLAIN[format]!(input, join(work, 'plain.out'))));
    cli.push(await time(async () => {
      const code = await main(['validate', '--bundle', bundle, '--format', format, '--out', join(work, 'cli.out'), input], quiet, quiet);
      if (code > 1) throw new Error(`validate exited ${code}`);
    }));
  }
  const p = median(plain);
  const c = median(cli);
  // Where the CLI's time goes: the reader alone, the bundle alone on the records in memory, the writer alone.
  const items: unknown[] = [];
  const tRead = await time(async () => { for await (const batch of readItemBatches(format, createReadStream(input, { highWaterMark: 256 * 1024 }), input)) for (const item of batch) items.push(item); });
  const records = items.map((i) => (i as { record?: unknown }).record ?? null);
  let results: OutputResult[] = [];
  const tJudge = await time(async () => { const v = validator.createValidator(); for (const r of records) v.add(r); results = v.finish(); });
  // The results as the CLI writes them: an 837 line's with its origin.
  results.forEach((r, k) => { const origin = (items[k] as { origin?: OutputResult['origin'] }).origin; if (origin !== undefined) r.origin = origin; });
  const tWrite = await time(async () => { const w = new ResultWriter(fileTarget(join(work, 'w.out')), 'jsonl', format === 'x12'); for (const r of results) { const full = w.write(r); if (full) await full; } await w.close(); });
  const rate = (ms: number) => `${Math.round((N / ms) * 1000).toLocaleString('en-US').padStart(9)} lines/s ${((mb / ms) * 1000).toFixed(1).padStart(6)} MB/s`;
  console.log(`${label.padEnd(6)} ${mb.toFixed(1).padStart(6)} MB  plain pass ${p.toFixed(0).padStart(6)} ms (${rate(p)})  CLI ${c.toFixed(0).padStart(6)} ms (${rate(c)})  ratio ${(c / p).toFixed(2)} (target ≤ 2)`);
  console.log(`${''.padEnd(16)}the CLI's parts, each alone: reader ${tRead.toFixed(0)} ms, bundle ${tJudge.toFixed(0)} ms, writer ${tWrite.toFixed(0)} ms`);
}
rmSync(work, { recursive: true, force: true });
