/**
 * How long fuzz suites run, and how they report. `npm test` runs each with a
 * small budget; `npm run fuzz` (FUZZ=1) runs them long and prints, per
 * target, the inputs run, crashes and records lost. FUZZ_RUNS overrides both.
 */

/** The number of inputs to run: `quick` under `npm test`, `long` under `npm run fuzz`. */
export function fuzzRuns(quick: number, long: number): number {
  const override = Number(process.env.FUZZ_RUNS);
  if (Number.isInteger(override) && override > 0) return override;
  return process.env.FUZZ === '1' ? long : quick;
}

/** What one fuzz target saw. */
export interface FuzzCounts {
  inputs: number;
  crashes: number;
  /** Input records that got no result (for readers and validators); 0 where it does not apply. */
  lost: number;
}

/** Print one line per target (shown by `npm run fuzz`), e.g. `fuzz csv-reader: 100000 inputs, 0 crashes, 0 records lost`. */
export function reportFuzz(target: string, counts: FuzzCounts): void {
  if (process.env.FUZZ !== '1' && process.env.FUZZ_REPORT !== '1') return;
  process.stdout.write(`fuzz ${target}: ${counts.inputs} inputs, ${counts.crashes} crashes, ${counts.lost} records lost\n`);
}
