/**
 * The record fields are declared once (compiler/fields.ts). Everything else
 * that names them must agree with that table: the generated record check, the
 * reference interpreter's check, the expression scope, the bundle's `.d.ts`,
 * the JSON Schema of example lines, the README table and the sample maker.
 * `UPDATE_GOLDEN=1` rewrites the generated parts of the schema, the README and
 * runtime/bundle.d.ts from the table.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { compileBundle } from '../../compiler/compile.ts';
import { serviceLineBlock, serviceLineDeclaration, withServiceLine } from '../../compiler/emit/dts.ts';
import { recordCheckFunction } from '../../compiler/emit/record.ts';
import { DERIVED_FIELDS, exampleLineSchema, exprNullable, readmeFieldTable, RECORD_FIELDS, type RecordField } from '../../compiler/fields.ts';
import { makeScope } from '../../compiler/resolve.ts';
import { checkRecord as tableCheck } from '../../compiler/record-check.ts';
import * as record from '../../runtime/record.js';
import { DHCS, line, mustLoad } from '../helpers.ts';

const UPDATE = process.env.UPDATE_GOLDEN === '1';
const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const write = (path: string, text: string) => writeFileSync(new URL(path, root), text);
const generatedCheck = recordCheckFunction();
const names = RECORD_FIELDS.map((f) => f.name);

/** The base type and nullability of a scope entry. */
const pick = (t: { base: string; nullable: boolean } | undefined) => t && { base: t.base, nullable: t.nullable };

/** A present value no field accepts. */
const WRONG = { not: 'a field value' };

describe('the table', () => {
  it('names each field once, as the same name in JSON Lines and CSV, with its checks in an order they can run in', () => {
    expect(new Set(names).size).toBe(names.length);
    for (const f of RECORD_FIELDS) {
      expect(f.name).toMatch(/^[a-z][A-Za-z0-9]*$/);
      expect(f.csv, f.name).toBe(f.name);
      expect(f.description.length, f.name).toBeGreaterThan(5);
      if (f.notBefore) expect(names.indexOf(f.notBefore), f.name).toBeLessThan(names.indexOf(f.name));
    }
    expect(RECORD_FIELDS.filter((f) => f.kind === 'code')).toHaveLength(1);
    expect(RECORD_FIELDS.filter((f) => f.kind === 'modifiers')).toHaveLength(1);
  });

  it('record.js exports every top-level declaration (bundles link it by reference)', () => {
    const text = read('runtime/record.js');
    const declared = [...text.matchAll(/^(?:function|const|let) ([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
    expect(Object.keys(record).sort()).toEqual([...declared].sort());
  });
});

describe('the record checks follow the table', () => {
  const good = line({ procedureCode: 'G9008', modifiers: ['U1'] });

  it.each(RECORD_FIELDS.map((f) => [f.name, f] as [string, RecordField]))('%s: a wrong value is one problem naming it, in both checks', (_, f) => {
    for (const check of [generatedCheck, tableCheck]) {
      const problems: record.RecordProblem[] = [];
      expect(check({ ...good, [f.name]: WRONG }, problems)).toBeNull();
      expect(problems.map((p) => p.field)).toEqual([f.name]);
      expect(problems[0]!.message.startsWith(`${f.name} `)).toBe(true);
    }
  });

  it.each(RECORD_FIELDS.map((f) => [f.name, f] as [string, RecordField]))('%s: absent is a problem exactly when the field is required', (_, f) => {
    const without = { ...good };
    delete without[f.name];
    for (const check of [generatedCheck, tableCheck]) {
      const problems: record.RecordProblem[] = [];
      const r = check(without, problems);
      expect(problems.map((p) => p.field)).toEqual(f.required ? [f.name] : []);
      if (!f.required) expect(r).not.toBeNull();
    }
  });

  it('a checked line holds every field of the table and the derived fields, nothing else', () => {
    for (const check of [generatedCheck, tableCheck]) {
      const r = check(good, [])!;
      expect(Object.keys(r)).toEqual([...names, ...DERIVED_FIELDS.map((d) => d.name)]);
    }
  });

  it('the bundle runs the generated check', () => {
    const js = compileBundle(mustLoad(DHCS)).js;
    for (const f of RECORD_FIELDS) expect(js).toContain(`readOptional(raw, "${f.name}")`.replace('readOptional', f.required ? 'readField' : 'readOptional'));
    expect(js.match(/function checkRecord\(/g)).toHaveLength(1);
  });
});

describe('what names the fields agrees with the table', () => {
  it('the expression scope: every record field with its type; nullable exactly when optional (a list is empty instead)', () => {
    const scope = makeScope(mustLoad(DHCS).versions[0]!);
    for (const f of RECORD_FIELDS) expect(pick(scope.fields.get(f.name)), f.name).toEqual({ base: f.type, nullable: exprNullable(f) });
    for (const d of DERIVED_FIELDS) expect(pick(scope.fields.get(d.name)), d.name).toEqual({ base: d.type, nullable: d.nullable });
  });

  it('runtime/bundle.d.ts holds the generated ServiceLine', () => {
    const text = read('runtime/bundle.d.ts');
    if (UPDATE) write('runtime/bundle.d.ts', withServiceLine(text));
    const block = serviceLineBlock(read('runtime/bundle.d.ts'));
    expect(block, 'ServiceLine markers in runtime/bundle.d.ts').not.toBeNull();
    expect(read('runtime/bundle.d.ts').slice(block!.start, block!.end), 'run UPDATE_GOLDEN=1 npx vitest run test/compiler/fields.test.ts').toBe(serviceLineDeclaration());
  });

  it('the bundle\'s .d.ts declares ServiceLine with every field, optional exactly when the table says so', () => {
    const dts = compileBundle(mustLoad(DHCS)).dts;
    const source = ts.createSourceFile('bundle.d.ts', dts, ts.ScriptTarget.ES2022, true);
    const decl = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'ServiceLine');
    expect(decl).toBeDefined();
    const members = decl!.members.filter(ts.isPropertySignature).map((m) => [(m.name as ts.Identifier).text, m.questionToken !== undefined]);
    expect(members).toEqual(RECORD_FIELDS.map((f) => [f.name, !f.required]));
  });

  it('the bundle\'s .d.ts type-checks, and a line written to it is accepted by the type checker', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codeguide-dts-'));
    try {
      writeFileSync(join(dir, 'bundle.d.ts'), compileBundle(mustLoad(DHCS)).dts);
      writeFileSync(join(dir, 'use.ts'), [
        "import type { ServiceLine } from './bundle.js';",
        `const ok: ServiceLine = ${JSON.stringify(line({ procedureCode: 'G9008', modifiers: ['U1'], placeOfService: 2, minutes: null }))};`,
        '// @ts-expect-error a required field is missing',
        "const missing: ServiceLine = { claimId: 'C1' };",
        'export { ok, missing };',
      ].join('\n'));
      const program = ts.createProgram([join(dir, 'use.ts')], { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [] });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(diagnostics).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the JSON Schema describes example lines with the table\'s fields', () => {
    const path = 'compiler/schema/rules.schema.json';
    const schema = JSON.parse(read(path));
    if (UPDATE) {
      schema.definitions.exampleLine = exampleLineSchema();
      write(path, `${JSON.stringify(schema, null, 2)}\n`);
    }
    const now = JSON.parse(read(path));
    expect(now.definitions.exampleLine, 'run UPDATE_GOLDEN=1 npx vitest run test/compiler/fields.test.ts').toEqual(exampleLineSchema());
    const examples = now.properties.examples.items.properties;
    for (const ref of [examples.line, examples.lines.items, now.properties.exampleDefaults]) expect(ref.$ref).toBe('#/definitions/exampleLine');
  });

  it('the README\'s Records table', () => {
    const begin = '<!-- record fields: generated from compiler/fields.ts; UPDATE_GOLDEN=1 npx vitest run test/compiler/fields.test.ts rewrites it -->\n';
    const end = '<!-- end of record fields -->';
    const text = read('README.md');
    const a = text.indexOf(begin);
    const b = text.indexOf(end);
    expect(a, 'the README marks its field table').toBeGreaterThanOrEqual(0);
    expect(b).toBeGreaterThan(a);
    if (UPDATE) write('README.md', `${text.slice(0, a + begin.length)}${readmeFieldTable()}\n${text.slice(b)}`);
    const now = read('README.md');
    expect(now.slice(now.indexOf(begin) + begin.length, now.indexOf(end)), 'run UPDATE_GOLDEN=1 npx vitest run test/compiler/fields.test.ts').toBe(`${readmeFieldTable()}\n`);
  });

  it('the sample maker writes only fields of the table, and writes the shipped sample', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codeguide-sample-'));
    try {
      const out = join(dir, 'encounters.jsonl');
      execFileSync(process.execPath, ['--import', 'tsx', 'test/tools/make-sample.ts', out], { cwd: new URL('.', root).pathname, stdio: 'pipe' });
      const made = readFileSync(out, 'utf8');
      expect(made).toBe(read('rules/dhcs-ecm-cs/sample/encounters.jsonl'));
      const keys = new Set<string>();
      for (const l of made.split('\n')) {
        try {
          const v = JSON.parse(l);
          if (v && typeof v === 'object') for (const k of Object.keys(v)) keys.add(k);
        } catch { /* the sample holds lines that are not JSON on purpose */ }
      }
      expect([...keys].filter((k) => !names.includes(k))).toEqual([]);
      expect(keys.size).toBeGreaterThan(5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
