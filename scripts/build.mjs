#!/usr/bin/env node
/**
 * npm run build (and `prepare`, so npm install / npm ci / npm pack run it):
 * the TypeScript sources compiled to JavaScript with declarations in build/.
 *
 * 1. tsc -p tsconfig.build.json writes build/{grammar,compiler,runtime}/…
 * 2. Every other file the sources read at run time (runtime/*.js as written —
 *    the emitter inlines its text —, runtime/*.d.ts, the JSON Schema, the
 *    `init` templates) is copied to the same relative path, so
 *    `new URL('…', import.meta.url)` finds it beside the compiled module.
 * 3. Chevrotain is imported from its published single-file ES module build
 *    (lib/chevrotain.mjs, copied to build/vendor/): the package's default entry
 *    loads some 600 small modules and costs ~250 ms at every start.
 * 4. The structure check's Ajv validator is precompiled (Ajv standalone code,
 *    build/compiler/schema/rules.validate.cjs), so no start compiles the schema.
 * 5. build/.built is written last: the bin uses build/ only when it is newer
 *    than every source file.
 *
 * The new build is made in build.next/ and swapped in at the end, so a
 * command running meanwhile never sees half a build.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const SOURCE_DIRS = ['grammar', 'compiler', 'runtime'];
const next = join(root, 'build.next');
const final = join(root, 'build');

function fail(message) {
  process.stderr.write(`build: ${message}\n`);
  process.exit(1);
}

/** Every file under a folder, as paths relative to the repository root. */
function walk(dir) {
  const out = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

rmSync(next, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', next], { cwd: root, stdio: 'inherit' });
if (compiled.status !== 0) fail('tsc failed');

// 2. Files read at run time, copied as written (runtime/*.js overwrites tsc's re-printed copy).
const isTypeScript = (f) => /\.(c|m)?ts$/.test(f) && !/\.d\.(c|m)?ts$/.test(f);
const skip = (f) => f === join('compiler', 'bin.mjs'); // the bin stays where it is: it runs build/
let copied = 0;
for (const file of SOURCE_DIRS.flatMap(walk)) {
  if (isTypeScript(file) || skip(file)) continue;
  mkdirSync(dirname(join(next, file)), { recursive: true });
  copyFileSync(join(root, file), join(next, file));
  copied++;
}

// 3. Chevrotain from its single-file build.
const require = createRequire(import.meta.url);
let chevrotainDir = dirname(require.resolve('chevrotain'));
while (!existsSync(join(chevrotainDir, 'package.json')) && dirname(chevrotainDir) !== chevrotainDir) chevrotainDir = dirname(chevrotainDir);
const single = join(chevrotainDir, 'lib', 'chevrotain.mjs');
if (!existsSync(single)) fail(`${single} not found: the chevrotain package no longer ships its single-file build`);
mkdirSync(join(next, 'vendor'), { recursive: true });
const chevrotainVersion = JSON.parse(readFileSync(join(chevrotainDir, 'package.json'), 'utf8')).version;
writeFileSync(join(next, 'vendor', 'chevrotain.mjs'),
  `// chevrotain ${chevrotainVersion} (Apache-2.0), its published lib/chevrotain.mjs.\n${readFileSync(single, 'utf8')}`);
const IMPORT_CHEVROTAIN = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])chevrotain\2/g;
let rewired = 0;
for (const file of walk(relative(root, next))) {
  if (!file.endsWith('.js')) continue;
  const full = join(root, file);
  const text = readFileSync(full, 'utf8');
  if (!text.includes('chevrotain')) continue;
  const vendor = relative(dirname(full), join(next, 'vendor', 'chevrotain.mjs')).split(sep).join('/');
  const rewritten = text.replace(IMPORT_CHEVROTAIN, (_m, lead, quote) => {
    rewired++;
    return `${lead}${quote}${vendor.startsWith('.') ? vendor : `./${vendor}`}${quote}`;
  });
  writeFileSync(full, rewritten);
}
if (rewired === 0) fail('no import of chevrotain found to point at the single-file build');

// 4. The structure check's validator, precompiled from the same schema and options (Ajv standalone code):
//    compiling the schema at every start is about a sixth of `codeguide check`.
const schemaModule = await import(pathToFileURL(join(next, 'compiler', 'schema.js')).href);
const AjvModule = require('ajv');
const Ajv = AjvModule.default ?? AjvModule;
const standaloneCode = require('ajv/dist/standalone').default;
const ajv = new Ajv({ ...schemaModule.AJV_OPTIONS, code: { source: true } });
const precompiled = standaloneCode(ajv, ajv.compile(schemaModule.strictSchema()));
writeFileSync(join(next, 'compiler', 'schema', 'rules.validate.cjs'),
  `// Generated by npm run build from rules.schema.json (Ajv ${require('ajv/package.json').version} standalone code). Do not edit.\n${precompiled}\n`);

// 5. Swap in, and stamp.
writeFileSync(join(next, '.built'), `${new Date().toISOString()}\n`);
const old = join(root, 'build.old');
rmSync(old, { recursive: true, force: true });
if (existsSync(final)) renameSync(final, old);
renameSync(next, final);
rmSync(old, { recursive: true, force: true });
process.stderr.write(`build: compiled to build/ (${copied} files copied as written; chevrotain from its single-file build)\n`);
