/**
 * Golden diagnostics: every case in test/fixtures/diagnostics/cases.yaml breaks
 * the mini rule set in one place; the compiler must report exactly one error,
 * with the case's code, at the golden file:line:col. UPDATE_GOLDEN=1 rewrites the goldens.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadRules } from '../../compiler/compile.ts';
import { DIAGNOSTIC_CODES, formatDiagnostic, PROFILE_DIAGNOSTIC_CODES, type Diagnostic } from '../../compiler/diagnostics.ts';
import { runExamples } from '../../compiler/examples.ts';
import { MINI } from '../helpers.ts';

/**
 * `edit` changes a file of the mini rule set (a name alone is in its edition 1.0, else a path in the guidance
 * folder); `add` writes further files (e.g. an edition 1.1 that extends 1.0); `at` is the file the one
 * diagnostic must name (default: the edited file). `fill: [[marker, text, count], ...]` then replaces each
 * marker in the edited file with `text` repeated `count` times (for limits too large to write out);
 * `encoding` is how the edited file is written (default utf8).
 */
interface Case {
  case: string; code: string; severity?: 'error' | 'warning'; edit?: [string, string, string]; add?: Record<string, string>; at?: string;
  fill?: [string, string, number][]; encoding?: BufferEncoding;
}
const root = 'test/fixtures/diagnostics';
const cases = parse(readFileSync(join(root, 'cases.yaml'), 'utf8')) as Case[];
const update = process.env.UPDATE_GOLDEN === '1';

async function diagnose(dir: string): Promise<Diagnostic[]> {
  const loaded = loadRules(dir);
  const reports = await Promise.all(loaded.versions.map(runExamples));
  return [...loaded.diagnostics, ...reports.flatMap((r) => r.failed)];
}

describe('diagnostics (golden)', () => {
  it('the unbroken mini rule set compiles with no diagnostics and passes its examples', async () => {
    expect((await diagnose(MINI)).map(formatDiagnostic)).toEqual([]);
  });

  for (const c of cases) {
    it(`${c.case}: one ${c.code} ${c.severity ?? 'error'} at the right place`, async () => {
      const dir = join(root, '.work', c.case, 'mini-guidance');
      rmSync(join(root, '.work', c.case), { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      cpSync(MINI, dir, { recursive: true });
      const inGuidance = (file: string) => (file.includes('/') ? file : join('1.0', file));
      for (const [file, text] of Object.entries(c.add ?? {})) {
        mkdirSync(join(dir, file, '..'), { recursive: true });
        writeFileSync(join(dir, file), text);
      }
      if (c.edit) {
        const [file, find, replace] = c.edit;
        const path = join(dir, inGuidance(file));
        const text = readFileSync(path, 'utf8');
        expect(text.split(find).length - 1, `"${find}" must occur once in ${file}`).toBe(1);
        let edited = text.replace(find, replace);
        for (const [marker, fill, count] of c.fill ?? []) edited = edited.split(marker).join(fill.repeat(count));
        writeFileSync(path, edited, c.encoding ?? 'utf8');
      }
      const at = c.at ?? (c.edit ? inGuidance(c.edit[0]) : Object.keys(c.add ?? {})[0]!);

      const diagnostics = await diagnose(dir);
      const severity = c.severity ?? 'error';
      const found = diagnostics.filter((d) => d.severity === severity);
      expect(found.map((d) => d.code)).toEqual([c.code]);
      if (severity === 'warning') expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const d = found[0]!;
      expect(d.file).toBe(join(dir, at));
      expect(d.hint.length).toBeGreaterThan(0);
      expect(d.line).toBeGreaterThan(0);

      const shown = `${diagnostics.map(formatDiagnostic).join('\n').split(join(root, '.work', c.case)).join('<case>')}\n`;
      const golden = join(root, 'expected', `${c.case}.txt`);
      if (update) writeFileSync(golden, shown);
      expect(existsSync(golden), `${golden} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(shown).toBe(readFileSync(golden, 'utf8'));
    });
  }

  it('every diagnostic code a rule author can cause has a case', () => {
    const covered = new Set(cases.map((c) => c.code));
    // not-a-file and skipped-entry need FIFOs, devices or links: test/compiler/files.test.ts has their cases.
    // Plan profile files have their own golden cases (test/profiles/).
    const authorCodes = Object.keys(DIAGNOSTIC_CODES).filter((c) => !['read-error', 'no-rules', 'unknown-version', 'guidance-missing', 'guidance-repeated', 'duplicate-name', 'not-a-file', 'skipped-entry'].includes(c) && !(c in PROFILE_DIAGNOSTIC_CODES));
    expect(authorCodes.filter((c) => !covered.has(c))).toEqual([]);
  });
});
