/**
 * UTF-8 checks that name the byte where the text goes wrong, so a damaged
 * record is reported rather than read with U+FFFD in it.
 */
import { isUtf8 } from 'node:buffer';

/**
 * The offset (from `start`) of the first byte in `bytes[start, end)` that does not
 * begin or continue a well-formed UTF-8 sequence, or -1 when the range is valid.
 * A sequence cut off by `end` counts as invalid at its first byte.
 */
export function firstInvalidUtf8(bytes: Uint8Array, start = 0, end = bytes.length): number {
  if (isUtf8(bytes.subarray(start, end))) return -1;
  let i = start;
  while (i < end) {
    const b = bytes[i]!;
    if (b < 0x80) { i++; continue; }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) { need = 2; if (b === 0xe0) lo = 0xa0; if (b === 0xed) hi = 0x9f; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; if (b === 0xf0) lo = 0x90; if (b === 0xf4) hi = 0x8f; }
    else return i - start;
    if (i + need >= end) return i - start;
    const second = bytes[i + 1]!;
    if (second < lo || second > hi) return i - start;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k]!;
      if (c < 0x80 || c > 0xbf) return i - start;
    }
    i += need + 1;
  }
  return -1;
}

/**
 * Finds invalid UTF-8 in a stream of chunks, by absolute byte offset. A sequence
 * split between two chunks is joined before it is judged.
 */
export class Utf8Watch {
  private carry: Uint8Array = new Uint8Array(0);
  private carryStart = 0;
  /** Offsets of invalid bytes found so far and not yet taken, ascending. */
  readonly faults: number[] = [];
  private offset = 0;

  /** Look at the next chunk of the stream. */
  push(chunk: Uint8Array): void {
    let bytes = chunk;
    let base = this.offset;
    if (this.carry.length > 0) {
      bytes = new Uint8Array(this.carry.length + chunk.length);
      bytes.set(this.carry);
      bytes.set(chunk, this.carry.length);
      base = this.carryStart;
    }
    this.offset += chunk.length;
    // Keep an unfinished sequence at the end for the next chunk.
    let cut = bytes.length;
    for (let k = 1; k <= 3 && k <= bytes.length; k++) {
      const b = bytes[bytes.length - k]!;
      if (b < 0x80) break;
      if (b >= 0xc0) {
        const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
        if (len > k) cut = bytes.length - k;
        break;
      }
    }
    this.scan(bytes, 0, cut, base);
    this.carry = bytes.slice(cut);
    this.carryStart = base + cut;
  }

  /** The stream has ended: an unfinished sequence left over is invalid. */
  end(): void {
    if (this.carry.length > 0) this.scan(this.carry, 0, this.carry.length, this.carryStart);
    this.carry = new Uint8Array(0);
  }

  /** The first fault at or after `from` and before `to`, removing every fault before `to`; -1 if none. */
  take(from: number, to: number): number {
    let found = -1;
    while (this.faults.length > 0 && this.faults[0]! < to) {
      const f = this.faults.shift()!;
      if (found === -1 && f >= from) found = f;
    }
    return found;
  }

  private scan(bytes: Uint8Array, start: number, end: number, base: number): void {
    let at = start;
    while (at < end) {
      const bad = firstInvalidUtf8(bytes, at, end);
      if (bad === -1) return;
      this.faults.push(base + at + bad);
      at += bad + 1;
    }
  }
}
