/**
 * No rule file crashes the compiler: random edits of the mini rule set (lines
 * dropped, doubled, characters replaced) must give either a bundle or
 * diagnostics with a known code and a real position — never an exception.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { compileBundle, loadRules } from '../../compiler/compile.ts';
import { DIAGNOSTIC_CODES } from '../../compiler/diagnostics.ts';
import { MINI } from '../helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'codeguide-robust-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const FILES = ['guidance.yaml', 'catalogue.yaml', 'rules.yaml', 'examples.yaml'];
const originals = Object.fromEntries(FILES.map((f) => [f, readFileSync(join(MINI, '1.0', f), 'utf8')]));
const NOISE = [' ', ':', '-', '[', ']', '{', '}', '"', "'", '(', ')', '#', '\t', 'x', '0', '=', '<', 'U', '\n'];

const edit = fc.record({
  file: fc.constantFrom(...FILES),
  kind: fc.constantFrom('drop', 'double', 'replace', 'insert'),
  at: fc.nat(),
  char: fc.constantFrom(...NOISE),
});

describe('the compiler never crashes on a broken rule set', () => {
  it('random edits give a bundle or located diagnostics', () => {
    const dir = join(work, 'mini-guidance');
    let run = 0;
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        const texts = { ...originals };
        for (const e of edits) {
          const text = texts[e.file]!;
          const lines = text.split('\n');
          const n = e.at % lines.length;
          const pos = e.at % Math.max(1, text.length);
          if (e.kind === 'drop') lines.splice(n, 1);
          if (e.kind === 'double') lines.splice(n, 0, lines[n]!);
          texts[e.file] = e.kind === 'replace' ? text.slice(0, pos) + e.char + text.slice(pos + 1)
            : e.kind === 'insert' ? text.slice(0, pos) + e.char + text.slice(pos) : lines.join('\n');
        }
        rmSync(dir, { recursive: true, force: true });
        cpSync(MINI, dir, { recursive: true });
        for (const f of FILES) writeFileSync(join(dir, '1.0', f), texts[f]!);
        run++;
        const loaded = loadRules(dir);
        for (const d of loaded.diagnostics) {
          expect(Object.keys(DIAGNOSTIC_CODES)).toContain(d.code);
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.col).toBeGreaterThanOrEqual(1);
          expect(d.message.length).toBeGreaterThan(0);
          expect(d.hint.length).toBeGreaterThan(0);
        }
        if (loaded.versions.length > 0) expect(compileBundle(loaded).js.length).toBeGreaterThan(1000);
        else expect(loaded.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      }),
      { numRuns: 300, seed: 7 },
    );
    expect(run).toBe(300);
  });
});
