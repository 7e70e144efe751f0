/** Every example written in the shipped rule sets comes out as its `expect` says, and exercises every rule and entry. */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { runExamples } from '../../compiler/examples.ts';
import { DHCS, MINI, mustLoad } from '../helpers.ts';

describe.each([DHCS, MINI])('the examples of %s', (dir) => {
  it('all pass, and together use every rule and catalogue entry', async () => {
    for (const rs of mustLoad(dir).versions) {
      const report = await runExamples(rs);
      expect(report.failed.map(formatDiagnostic)).toEqual([]);
      expect(report.total).toBeGreaterThan(10);
      expect(report.rulesNotExercised).toEqual([]);
      expect(report.entriesNotExercised).toEqual([]);
    }
  });
});
