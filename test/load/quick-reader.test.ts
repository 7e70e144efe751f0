/**
 * Rule files in plain YAML are read by the quick reader (compiler/plain-yaml.ts)
 * and parsed fully only when a diagnostic needs places: the diagnostics are
 * the same, at the same places, as when the full parser reads the file, and
 * nothing read is kept from one load to the next.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRules } from '../../compiler/compile.ts';
import { readPlainYaml } from '../../compiler/plain-yaml.ts';
import { loadSource } from '../../compiler/source.ts';
import { DHCS } from '../helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'codeguide-quick-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A tab in a comment: still the same data, but outside what the quick reader reads. */
const FULL_PARSER_ONLY = '\n#\tread by the full parser\n';

let made = 0;
function copyOfDhcs(): string {
  const dir = join(work, `case-${++made}`, 'dhcs-ecm-cs');
  for (const v of ['1.0', '1.1', '1.2']) cpSync(join(DHCS, v), join(dir, v), { recursive: true });
  return dir;
}

describe('the quick reader', () => {
  it('gives the same data as the full parser for a rule file', () => {
    const text = readFileSync(join(DHCS, '1.0', 'catalogue.yaml'), 'utf8');
    expect(readPlainYaml(FULL_PARSER_ONLY + text)).toBeUndefined();
    const quick = loadSource('catalogue.yaml', text);
    const full = loadSource('catalogue.yaml', text + FULL_PARSER_ONLY);
    expect(quick.diagnostics).toEqual([]);
    expect(full.diagnostics).toEqual([]);
    expect(quick.file.data).toEqual(full.file.data);
    // Places resolve in the quickly read file as in the fully parsed one.
    const at = (f: typeof quick.file, offset: number) => f.lines.linePos(offset);
    expect(at(quick.file, 5000)).toEqual(at(full.file, 5000));
    expect(quick.file.doc.toJS()).toEqual(full.file.data);
  });

  it('leaves diagnostics and their places as the full parser gives them', () => {
    const mistakes: [string, string, string][] = [
      ['1.0/catalogue.yaml', '        modifiers: [U1]\n', '        modifiers: [U1]\n        colour: red\n'],
      ['1.0/rules.yaml', '    category: invalid-record\n', '    category: invalid-recrd\n'],
      ['1.1/guidance.yaml', 'extends: "1.0"', 'extends: "0.9"'],
      ['1.0/examples-rules.yaml', 'status: accepted', 'status: acepted'],
      ['1.0/guidance.yaml', '\nguidance:', '\nguidance:\n  guidance: twice\n'],
    ];
    for (const [file, from, to] of mistakes) {
      const quick = copyOfDhcs();
      const full = copyOfDhcs();
      const text = readFileSync(join(DHCS, file), 'utf8');
      expect(text.includes(from), `${file} holds ${JSON.stringify(from)}`).toBe(true);
      const broken = text.replace(from, to);
      writeFileSync(join(quick, file), broken);
      writeFileSync(join(full, file), broken + FULL_PARSER_ONLY);
      const shown = (dir: string) => loadRules(dir).diagnostics.map((d) => ({ ...d, file: d.file.replace(dir.slice(work.length), '') }));
      const got = shown(quick);
      expect(got.length, file).toBeGreaterThan(0);
      expect(got, file).toEqual(shown(full));
    }
  });

  it('keeps nothing from one load to the next: a changed file is read again', () => {
    const dir = copyOfDhcs();
    const file = join(dir, '1.0', 'guidance.yaml');
    const first = loadRules(dir);
    expect(first.diagnostics).toEqual([]);
    const date = first.versions[0]!.guidance.published;
    writeFileSync(file, readFileSync(file, 'utf8').replace(`published: ${date}`, 'published: 2021-12-31'));
    const second = loadRules(dir);
    expect(second.versions[0]!.guidance.published).toBe('2021-12-31');
    expect(second.sourceHash).not.toBe(first.sourceHash);
    writeFileSync(file, readFileSync(file, 'utf8').replace('published: 2021-12-31', 'published: 2021-02-30'));
    expect(loadRules(dir).diagnostics.map((d) => [d.code, d.file.endsWith(join('1.0', 'guidance.yaml'))])).toEqual([['bad-value', true]]);
  });
});
