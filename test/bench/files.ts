/**
 * The generated input of the CLI and reader benches (test/bench/cli.ts, readers.ts): the same records as
 * JSON Lines, CSV and X12 837P, so that every format carries the same lines.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvCell } from '../../compiler/io/output.ts';
import type { InputFormat } from '../../compiler/io/source.ts';
import { write837 } from '../tools/make-837.ts';
import { prng } from '../tools/prng.ts';

const COMBOS: [string, string[]][] = [['G9008', ['U1']], ['G9012', ['U2']], ['T2040', ['U6']], ['T2050', ['U6']], ['H0043', ['U6']], ['H2016', ['U6']], ['T1016', ['U8']], ['S5165', ['U6']], ['H0044', ['U2']], ['99213', []]];
const FIELDS = ['claimId', 'lineNumber', 'memberId', 'serviceDate', 'procedureCode', 'modifiers', 'units', 'amount', 'placeOfService'];

/** n lines of n/40 members over three months, a fifth of them by telehealth. */
function records(n: number): Record<string, unknown>[] {
  const rand = prng(7);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const [code, mods] = COMBOS[Math.floor(rand() * COMBOS.length)]!;
    const tele = rand() < 0.2;
    out.push({
      claimId: `C${Math.floor(i / 4)}`, lineNumber: (i % 4) + 1, memberId: `M${Math.floor(i / 40)}`,
      serviceDate: `2024-0${4 + Math.floor(rand() * 3)}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`,
      procedureCode: code, modifiers: tele ? [...mods, 'GQ'] : mods, units: 1 + Math.floor(rand() * 2),
      amount: Math.round(rand() * 1000), placeOfService: tele ? '02' : '11',
    });
  }
  return out;
}

/** Write n generated lines into `dir` as in.jsonl, in.csv and in.x12; their paths by format. */
export function writeBenchFiles(dir: string, n: number): Record<InputFormat, string> {
  const recs = records(n);
  const files: Record<InputFormat, string> = { jsonl: join(dir, 'in.jsonl'), csv: join(dir, 'in.csv'), x12: join(dir, 'in.x12') };
  writeFileSync(files.jsonl, recs.map((r) => `${JSON.stringify(r)}\n`).join(''));
  writeFileSync(files.csv, `${FIELDS.join(',')}\n${recs.map((r) => `${FIELDS.map((f) => csvCell(Array.isArray(r[f]) ? (r[f] as string[]).join(' ') : r[f])).join(',')}\n`).join('')}`);
  writeFileSync(files.x12, write837(recs, { kind: 'P', claimsPerTransaction: 1000 }));
  return files;
}
