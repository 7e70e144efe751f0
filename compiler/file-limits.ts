/**
 * The limits on one rule file that hold before its YAML is read: its size and
 * its encoding (UTF-8 only). source.ts reports what these find.
 */
import { isUtf8 } from 'node:buffer';
import type { DiagnosticCode } from './diagnostics.ts';

/** Limits on one rule file, checked as it is read (README, "Limits"). */
export const RULE_FILE_LIMITS = {
  /** Bytes in one rule file: 1 MiB (the largest DHCS rule file is about 30 KB). */
  maxBytes: 1024 * 1024,
  /** Mappings and lists inside one another, aliases followed (DHCS rule files nest 6 deep at most). */
  maxYamlDepth: 32,
} as const;

/** A problem found before the YAML is parsed, at a character offset of the file's text. */
export interface EarlyProblem {
  at: number;
  code: DiagnosticCode;
  message: string;
  hint: string;
}

/** The decoder rule files are read with. */
export const decoder = new TextDecoder('utf-8');

/**
 * The first problem with a rule file's bytes (`size` is its full size, of which `bytes` may hold only the
 * limit + 1): too large, then not UTF-8; undefined when there is none.
 */
export function earlyProblem(bytes: Uint8Array, size: number): EarlyProblem | undefined {
  return sizeProblem(bytes, size) ?? encodingProblem(bytes);
}

function sizeProblem(bytes: Uint8Array, size: number): EarlyProblem | undefined {
  const max = RULE_FILE_LIMITS.maxBytes;
  if (Math.max(bytes.length, size) <= max) return undefined;
  const at = decoder.decode(bytes.subarray(0, max)).length;
  return {
    at,
    code: 'file-too-large',
    message: `the file is ${size > bytes.length ? `${size} bytes` : 'larger than the limit'}; a rule file may hold at most ${max} bytes (1 MiB), which end on this line`,
    hint: 'split it into several files: every .yaml file of a version folder is read, and a section may be split across files',
  };
}

/** The first invalid UTF-8 sequence, located in the text as it decodes with replacement characters. */
function encodingProblem(bytes: Uint8Array): EarlyProblem | undefined {
  if (isUtf8(bytes)) return undefined;
  const hint = 'save the file as UTF-8 (in most editors: Save with Encoding, UTF-8); rule files are always read as UTF-8';
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { at: 0, code: 'bad-encoding', message: 'the file is UTF-16 text, not UTF-8', hint };
  }
  const bad = firstInvalidUtf8(bytes);
  const byte = bytes[bad]!;
  let asLatin1 = '';
  try {
    const ch = new TextDecoder('windows-1252').decode(bytes.subarray(bad, bad + 1));
    if (/^\P{C}$/u.test(ch)) asLatin1 = `; in Latin-1 or Windows-1252 it would be "${ch}"`;
  } catch {
    // no legacy decoders in this Node build: say less
  }
  return {
    at: decoder.decode(bytes.subarray(0, bad)).length,
    code: 'bad-encoding',
    message: `the file is not UTF-8 text: byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} (byte ${bad + 1} of the file) is not valid UTF-8 here${asLatin1}`,
    hint,
  };
}

/** Offset of the first byte that does not begin a well-formed UTF-8 sequence (overlong forms, surrogates and truncations included). */
function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length;) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (need === 0 || i + need >= b.length) return i;
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    if (b[i + 1]! < lo || b[i + 1]! > hi) return i;
    for (let k = 2; k <= need; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return 0;
}
