/**
 * Safe reading of rule folders and rule files. Only regular files are read
 * (links to them are followed): a FIFO, device, socket or link to nothing is
 * a diagnostic naming its path, found by its type before anything is opened,
 * so the compiler never blocks on a pipe or reads an endless device. A read
 * never takes more than `RULE_FILE_LIMITS.maxBytes` + 1 bytes. One broken
 * entry of a folder is reported on its own and never hides its neighbours.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, statSync, type Stats } from 'node:fs';
import { join, relative } from 'node:path';
import type { Diagnostic } from './diagnostics.ts';
import { fileDiagnostic, RULE_FILE_LIMITS } from './source.ts';

/** What a path is, following links. */
export type EntryKind = 'file' | 'folder' | 'fifo' | 'device' | 'socket' | 'dangling-link' | 'unreadable';

/** One entry of a folder. */
export interface FolderEntry {
  name: string;
  /** The path as it is given to file-system calls. */
  path: string;
  kind: EntryKind;
  /** Why an `unreadable` entry or a `dangling-link` could not be followed (the link's target, or the system's reason). */
  detail: string;
}

const shownPath = (path: string): string => relative(process.cwd(), path) || '.';

function kindOfStats(s: Stats): EntryKind {
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'folder';
  if (s.isFIFO()) return 'fifo';
  if (s.isSocket()) return 'socket';
  return 'device'; // character or block device
}

/** What `path` is, following links, without opening it. */
export function entryKind(path: string): { kind: EntryKind; detail: string } {
  try {
    return { kind: kindOfStats(statSync(path)), detail: '' };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    let link: Stats | undefined;
    try {
      link = lstatSync(path);
    } catch {
      // not even the entry itself can be looked at
    }
    if (link?.isSymbolicLink()) {
      let target = '?';
      try {
        target = readlinkSync(path);
      } catch {
        // keep "?"
      }
      if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'dangling-link', detail: target };
      return { kind: 'unreadable', detail: code === 'ELOOP' ? `the link ${target} leads round in a loop` : `the link ${target} cannot be followed (${code ?? 'error'})` };
    }
    return { kind: 'unreadable', detail: code === 'ENOENT' ? 'it does not exist' : (err as Error).message };
  }
}

/** Plain words for a kind that is not a regular file. */
export function describeKind(kind: EntryKind, detail: string): string {
  switch (kind) {
    case 'fifo': return 'a FIFO (named pipe), not a regular file';
    case 'device': return 'a device, not a regular file';
    case 'socket': return 'a socket, not a regular file';
    case 'folder': return 'a folder, not a file';
    case 'dangling-link': return `a link to ${detail}, which does not exist`;
    case 'unreadable': return `cannot be read: ${detail}`;
    case 'file': return 'a regular file';
  }
}

/** The entries of a folder, sorted by name, each with its kind; or why the folder cannot be listed. */
export function listFolder(dir: string): { entries: FolderEntry[]; error: string | null } {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    return { entries: [], error: (err as Error).message };
  }
  return { entries: names.map((name) => ({ name, path: join(dir, name), ...entryKind(join(dir, name)) })), error: null };
}

/** Is this the name of a rule file? */
export const isRuleFileName = (name: string): boolean => name.endsWith('.yaml') || name.endsWith('.yml');

/** The bytes of one rule file (at most the limit + 1), and its size on disk. */
export interface RuleFileBytes {
  bytes: Uint8Array;
  /** The file's full size in bytes (more than `bytes.length` when it is over the limit). */
  size: number;
}

/**
 * Read one rule file: a regular file only (checked before opening, and again
 * on the open descriptor), at most `RULE_FILE_LIMITS.maxBytes` + 1 bytes.
 * `shown` is the path as diagnostics show it.
 */
export function readRuleFile(path: string, shown: string = shownPath(path)): { file: RuleFileBytes | null; diagnostic: Diagnostic | null } {
  const fail = (message: string, hint: string, code: 'not-a-file' | 'read-error' = 'not-a-file') => ({ file: null, diagnostic: fileDiagnostic(shown, code, message, hint) });
  const before = entryKind(path);
  if (before.kind !== 'file') {
    return fail(`${describeKind(before.kind, before.detail)}; only regular files are read as rule files`, 'replace it with the rule file itself, or remove it (or rename it so it does not end in .yaml)');
  }
  let fd: number;
  try {
    // O_NONBLOCK: were the file swapped for a FIFO after the check, opening it still does not wait for a writer.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    return fail(`cannot open the file: ${(err as Error).message}`, 'check the file permissions', 'read-error');
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return fail(`${describeKind(kindOfStats(stats), '')}; only regular files are read as rule files`, 'replace it with the rule file itself, or remove it');
    const bytes = readCapped(fd, RULE_FILE_LIMITS.maxBytes + 1);
    return { file: { bytes, size: Math.max(stats.size, bytes.length) }, diagnostic: null };
  } catch (err) {
    return fail(`cannot read the file: ${(err as Error).message}`, 'check the file permissions', 'read-error');
  } finally {
    closeSync(fd);
  }
}

/** Read from `fd` until its end or `cap` bytes, whichever comes first (the size fstat gives may be stale). */
function readCapped(fd: number, cap: number): Uint8Array {
  const parts: Buffer[] = [];
  let total = 0;
  while (total < cap) {
    const chunk = Buffer.alloc(Math.min(cap - total, 64 * 1024));
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    parts.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    total += n;
  }
  return Buffer.concat(parts, total);
}

/** The folder of a guidance folder that holds plan profiles (compiler/profile/), not an edition. */
export const PROFILES_FOLDER = 'profiles';

/**
 * The version folders of a guidance folder: sub-folders (or links to them)
 * holding at least one rule file, in name order. An entry that cannot be
 * followed or listed is a `skipped-entry` warning naming it; it never hides
 * the versions beside it. Regular files (a README, say) are passed over.
 */
export function findVersions(guidanceDir: string): { versions: string[]; diagnostics: Diagnostic[] } {
  const listing = listFolder(guidanceDir);
  if (listing.error !== null) {
    return { versions: [], diagnostics: [fileDiagnostic(shownPath(guidanceDir), 'read-error', `cannot read the folder: ${listing.error}`, 'give the path of a rule folder')] };
  }
  const versions: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const skip = (entry: FolderEntry, what: string): void => {
    diagnostics.push({ ...fileDiagnostic(shownPath(entry.path), 'skipped-entry', `skipped: ${what}`, 'remove it, or point the link at a version folder; the other versions are read as usual'), severity: 'warning' });
  };
  for (const entry of listing.entries) {
    if (entry.kind === 'folder') {
      const inner = listFolder(entry.path);
      if (inner.error !== null) skip(entry, `the folder cannot be read: ${inner.error}`);
      else if (entry.name !== PROFILES_FOLDER && inner.entries.some((e) => isRuleFileName(e.name))) versions.push(entry.name);
    } else if (entry.kind !== 'file') {
      skip(entry, describeKind(entry.kind, entry.detail));
    }
  }
  return { versions, diagnostics };
}
