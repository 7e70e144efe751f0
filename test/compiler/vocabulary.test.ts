/**
 * The compiler knows no guidance by name: no code line of compiler/, grammar/
 * or runtime/ names an attribute, an attribute value or a unit basis that the
 * DHCS rule files declare. They are the rule set's to declare.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DHCS, mustLoad } from '../helpers.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** The code of a file, comments removed (block comments, JSDoc, line comments). */
function codeLines(text: string): string[] {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .split('\n')
    .map((line) => line.replace(/(^|[^:'"`\\])\/\/.*$/, '$1'));
}

describe('the compiler holds no guidance vocabulary', () => {
  const words = new Set<string>();
  for (const rs of mustLoad(DHCS).versions) {
    for (const a of rs.attributes.values()) {
      words.add(a.name);
      for (const v of a.values ?? []) words.add(v);
    }
    for (const u of rs.unitBases.keys()) words.add(u);
  }

  it('the DHCS rules declare attributes and unit bases (so the check below has words to look for)', () => {
    expect(words.size).toBeGreaterThan(3);
  });

  it.each(['compiler', 'grammar', 'runtime'])('no code line of %s/ names them', (dir) => {
    const found: string[] = [];
    for (const file of sourceFiles(dir)) {
      codeLines(readFileSync(file, 'utf8')).forEach((line, i) => {
        for (const w of words) {
          if (new RegExp(`(^|[^A-Za-z0-9-])${w.replace(/[-]/g, '\\-')}($|[^A-Za-z0-9-])`).test(line)) found.push(`${file}:${i + 1}: ${w}`);
        }
      });
    }
    expect(found).toEqual([]);
  });
});
