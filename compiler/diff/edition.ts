/**
 * Naming one edition on the command line: `<rule-dir>@<edition>`
 * (`rules/dhcs-ecm-cs@1.1`), an edition's own folder (`rules/dhcs-ecm-cs/1.2`),
 * or a guidance folder alone (its newest edition). Also finds the edition an
 * edition extends, for the docs' "changes from the base".
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { loadRules, type LoadResult } from '../compile.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { listVersions } from '../load.ts';
import type { RuleSet } from '../model.ts';
import { baseName } from './text-of.ts';

/** A rule folder and, when given, the edition named after `@`. */
export interface EditionRef { dir: string; version: string | undefined; text: string }

/** Split `dir@edition`; the `@` must be followed by an edition name, not a path. */
export function parseEditionRef(text: string): EditionRef {
  const at = text.lastIndexOf('@');
  if (at > 0 && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(text.slice(at + 1))) return { dir: text.slice(0, at), version: text.slice(at + 1), text };
  return { dir: text, version: undefined, text };
}

/** One edition loaded and checked: the newest of the folder when none is named. Null (with diagnostics) when it does not load. */
export function loadEdition(ref: EditionRef): { edition: RuleSet | null; diagnostics: Diagnostic[]; guidanceDir: string } {
  const loaded: LoadResult = loadRules(ref.dir, ref.version);
  const edition = loaded.versions.length ? loaded.versions[loaded.versions.length - 1]! : null;
  return { edition, diagnostics: loaded.diagnostics, guidanceDir: guidanceDirOf(ref.dir) };
}

/** The guidance folder of a rule folder (itself, or the parent of an edition's folder). */
export function guidanceDirOf(dir: string): string {
  const full = resolve(dir);
  try {
    return readdirSync(full).some((f) => f.endsWith('.yaml') || f.endsWith('.yml')) ? dirname(full) : full;
  } catch {
    return full;
  }
}

/**
 * The edition `rs` extends, loaded from the same guidance folder; null when it names none.
 * `missing` when it names one that is not there (the docs then say so).
 */
export function loadBase(rs: RuleSet, guidanceDir: string): { base: RuleSet | null; missing: string | null; diagnostics: Diagnostic[] } {
  const name = baseName(rs);
  if (name === null) return { base: null, missing: null, diagnostics: [] };
  if (!existsSync(guidanceDir) || !listVersions(guidanceDir).includes(name) || basename(guidanceDir) !== rs.guidance.id) {
    return { base: null, missing: name, diagnostics: [] };
  }
  const loaded = loadRules(guidanceDir, name);
  return { base: loaded.versions[0] ?? null, missing: loaded.versions.length ? null : name, diagnostics: loaded.diagnostics };
}
