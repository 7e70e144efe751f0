/**
 * File-system edges: only regular files are read as rule files. FIFOs,
 * devices, sockets, folders and links to nothing named `*.yaml` are
 * diagnostics naming the path — found without opening them, so nothing
 * blocks or reads without end — and a broken entry of a guidance folder
 * never hides the editions beside it.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileBundle, loadRules } from '../../compiler/compile.ts';
import { formatDiagnostic, type Diagnostic } from '../../compiler/diagnostics.ts';
import { entryKind, findVersions, readRuleFile } from '../../compiler/files.ts';
import { listVersions } from '../../compiler/load.ts';
import { RULE_FILE_LIMITS } from '../../compiler/source.ts';
import { MINI } from '../helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'codeguide-files-'));
const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) s.close();
  rmSync(work, { recursive: true, force: true });
});

/** A copy of the mini guidance folder (one edition, 1.0). */
function mini(name: string): string {
  const dir = join(work, name, 'mini-guidance');
  mkdirSync(dir, { recursive: true });
  cpSync(MINI, dir, { recursive: true });
  return dir;
}

const errors = (ds: Diagnostic[]) => ds.filter((d) => d.severity === 'error');

function mkfifo(path: string): void {
  try {
    execFileSync('mkfifo', [path]);
  } catch (err) {
    throw new Error(`these tests need mkfifo (Debian package coreutils): ${(err as Error).message}`);
  }
}

function listenOn(path: string): Promise<void> {
  return new Promise((done, fail) => {
    const server = createServer();
    servers.push(server);
    server.once('error', fail);
    server.listen(path, () => done());
  });
}

describe('rule files that are not regular files', () => {
  const cases: [string, (path: string) => void | Promise<void>, RegExp][] = [
    ['a FIFO', mkfifo, /FIFO/],
    ['a link to /dev/zero', (p) => symlinkSync('/dev/zero', p), /device/],
    ['a link to nothing', (p) => symlinkSync(join(work, 'no-such-file.yaml'), p), /link to .*no-such-file\.yaml, which does not exist/],
    ['a socket', listenOn, /socket/],
    ['a folder', (p) => mkdirSync(p), /folder/],
  ];
  for (const [what, make, says] of cases) {
    it(`${what} named x.yaml is one not-a-file error naming it; the other files are still read`, async () => {
      const dir = mini(`not-a-file-${what.replace(/\W+/g, '-')}`);
      const path = join(dir, '1.0', 'x.yaml');
      await make(path);
      const loaded = loadRules(dir);
      expect(errors(loaded.diagnostics).map((d) => d.code), loaded.diagnostics.map(formatDiagnostic).join('\n')).toEqual(['not-a-file']);
      const d = errors(loaded.diagnostics)[0]!;
      expect(d.file.endsWith(join('mini-guidance', '1.0', 'x.yaml'))).toBe(true);
      expect(d.message).toMatch(says);
      expect(formatDiagnostic(d)).toMatch(/^.*x\.yaml:1:1: error not-a-file /);
    });
  }

  it('reading checks the type before opening and caps the bytes read', () => {
    const fifo = join(work, 'lone.fifo');
    mkfifo(fifo);
    expect(entryKind(fifo).kind).toBe('fifo');
    expect(readRuleFile(fifo).diagnostic?.code).toBe('not-a-file');
    expect(readRuleFile('/dev/zero').diagnostic?.code).toBe('not-a-file');
    const big = join(work, 'big.yaml');
    writeFileSync(big, '');
    truncateSync(big, 4 * RULE_FILE_LIMITS.maxBytes); // sparse: large on paper, nothing to write
    const read = readRuleFile(big);
    expect(read.file?.bytes.length).toBe(RULE_FILE_LIMITS.maxBytes + 1);
    expect(read.file?.size).toBe(4 * RULE_FILE_LIMITS.maxBytes);
  });

  it('a file larger than the limit is file-too-large giving its size on disk', () => {
    const dir = mini('too-large');
    const path = join(dir, '1.0', 'padding.yaml');
    writeFileSync(path, '');
    truncateSync(path, 3 * RULE_FILE_LIMITS.maxBytes);
    const d = errors(loadRules(dir).diagnostics);
    expect(d.map((x) => x.code)).toEqual(['file-too-large']);
    expect(d[0]!.message).toContain(`${3 * RULE_FILE_LIMITS.maxBytes} bytes`);
  });

  it('links to regular rule files and to version folders are followed', () => {
    const dir = join(work, 'linked', 'mini-guidance');
    mkdirSync(join(dir, '1.0'), { recursive: true });
    for (const f of ['guidance.yaml', 'catalogue.yaml', 'rules.yaml', 'examples.yaml']) symlinkSync(join(process.cwd(), MINI, '1.0', f), join(dir, '1.0', f));
    expect(loadRules(dir).diagnostics.map(formatDiagnostic)).toEqual([]);
    const viaLink = join(work, 'linked-version', 'mini-guidance');
    mkdirSync(viaLink, { recursive: true });
    symlinkSync(join(process.cwd(), MINI, '1.0'), join(viaLink, '1.0'));
    expect(loadRules(viaLink).versions.map((v) => v.guidance.version)).toEqual(['1.0']);
  });
});

describe('a broken entry never hides the editions beside it', () => {
  const broken: [string, (path: string) => void][] = [
    ['a link to nothing', (p) => symlinkSync(join(work, 'gone'), p)],
    ['a link loop', (p) => symlinkSync(p, p)],
    ['a FIFO', mkfifo],
  ];
  for (const [what, make] of broken) {
    it(`${what} in the guidance folder is a skipped-entry warning naming it; the edition still compiles`, () => {
      const dir = mini(`beside-${what.replace(/\W+/g, '-')}`);
      make(join(dir, '1.3'));
      const loaded = loadRules(dir);
      expect(errors(loaded.diagnostics).map(formatDiagnostic)).toEqual([]);
      expect(loaded.diagnostics.map((d) => [d.code, d.severity])).toEqual([['skipped-entry', 'warning']]);
      expect(loaded.diagnostics[0]!.file.endsWith(join('mini-guidance', '1.3'))).toBe(true);
      expect(loaded.versions.map((v) => v.guidance.version)).toEqual(['1.0']);
      expect(compileBundle(loaded).js.length).toBeGreaterThan(1000);
      expect(listVersions(dir)).toEqual(['1.0']);
    });
  }

  it('regular files and folders without rule files beside the editions are passed over quietly', () => {
    const dir = mini('quiet-neighbours');
    writeFileSync(join(dir, 'README.md'), '# notes\n');
    mkdirSync(join(dir, 'sample'));
    expect(findVersions(dir)).toEqual({ versions: ['1.0'], diagnostics: [] });
  });

  it('a guidance folder holding only broken entries says what was skipped', () => {
    const dir = join(work, 'only-broken', 'g');
    mkdirSync(dir, { recursive: true });
    symlinkSync(join(work, 'gone'), join(dir, '1.0'));
    const d = loadRules(dir).diagnostics;
    expect(d.map((x) => x.code).sort()).toEqual(['no-rules', 'skipped-entry']);
    expect(d.find((x) => x.code === 'no-rules')!.message).toContain('1.0');
  });

  it('a rule path that is not a folder is a read-error saying what it is', () => {
    const fifo = join(work, 'rules.fifo');
    mkfifo(fifo);
    const d = loadRules(fifo).diagnostics;
    expect(d.map((x) => x.code)).toEqual(['read-error']);
    expect(d[0]!.message).toMatch(/not a folder: a FIFO/);
    expect(loadRules(join(work, 'nowhere')).diagnostics[0]!.message).toBe('no such folder');
  });
});
