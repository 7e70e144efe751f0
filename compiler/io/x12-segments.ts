/**
 * Reading the segments of an 837 where they lie in the text of the input (one
 * character per byte, Latin-1): where a segment's elements are (`Elements`),
 * an element without the ASCII whitespace around it, and the values of an SV1 /
 * SV2 (`readService`) — without a string made per segment or per element.
 */
import type { Service, Value } from './x12-lines.ts';

/** Elements of a segment whose start and end can be noted (the reader uses none past NM109). */
const NOTED = 12;

/**
 * ASCII whitespace: what is trimmed off an element before it is read as UTF-8. Not 0xA0: in text read one
 * character per byte it is often the last byte of a UTF-8 character ("à" is C3 A0), and the value read as
 * UTF-8 is trimmed again (x12-lines.ts), which takes off a no-break space that really is one.
 */
function isTrimmed(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** text.slice(start, end) without ASCII whitespace at either end, for Latin-1 text. */
function trimmed(text: string, start: number, end: number): string {
  while (start < end && isTrimmed(text.charCodeAt(start))) start++;
  while (end > start && isTrimmed(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/** Where the elements of one segment lie in the text (the first NOTED of them), noted once per segment read. */
export class Elements {
  text = '';
  count = 0;
  readonly starts = new Int32Array(NOTED);
  readonly ends = new Int32Array(NOTED);

  /** Note the first `limit` (at most NOTED) elements of text[start, end), split at `sep` (a character code). */
  read(text: string, start: number, end: number, sep: number, limit: number): void {
    this.text = text;
    const starts = this.starts;
    const ends = this.ends;
    let n = 0;
    starts[0] = start;
    // Character by character: elements are short, and a search for the separator would run on past the segment.
    for (let i = start; i < end; i++) {
      if (text.charCodeAt(i) !== sep) continue;
      ends[n] = i;
      if (++n === limit) { this.count = n; return; }
      starts[n] = i + 1;
    }
    ends[n] = end;
    this.count = n + 1;
  }

  /** Element k trimmed, '' when the segment has fewer elements (as `(e[k] ?? '').trim()`). */
  get(k: number): string {
    return k < this.count ? trimmed(this.text, this.starts[k]!, this.ends[k]!) : '';
  }

  /** Element k trimmed as a value read at file offset `at`. */
  value(k: number, at: number): Value {
    return { text: this.get(k), at };
  }

  /** Is element k, trimmed, exactly `word`? (No string is made.) */
  is(k: number, word: string): boolean {
    if (k >= this.count) return word === '';
    const text = this.text;
    let s = this.starts[k]!;
    let e = this.ends[k]!;
    while (s < e && isTrimmed(text.charCodeAt(s))) s++;
    while (e > s && isTrimmed(text.charCodeAt(e - 1))) e--;
    return e - s === word.length && text.startsWith(word, s);
  }

  /** Component c of element k (split at `sep`) trimmed, '' when absent. */
  component(k: number, c: number, sep: string): string {
    if (k >= this.count) return '';
    const text = this.text;
    const end = this.ends[k]!;
    let s = this.starts[k]!;
    for (let i = 0; i < c; i++) {
      const cut = text.indexOf(sep, s);
      if (cut === -1 || cut >= end) return '';
      s = cut + 1;
    }
    let cut = text.indexOf(sep, s);
    if (cut === -1 || cut > end) cut = end;
    return trimmed(text, s, cut);
  }
}

/**
 * Short values that repeat from line to line (codes, modifiers, places of service), each kept
 * once: records held in memory then share one string per value.
 */
const SHARED = new Map<string, string>();
function shared(text: string, start: number, end: number): string {
  const value = trimmed(text, start, end);
  if (value.length > 12) return value;
  const known = SHARED.get(value);
  if (known !== undefined) return known;
  if (SHARED.size >= 8192) SHARED.clear();
  SHARED.set(value, value);
  return value;
}

/** The values of an SV1/SV2 of ASCII text read from its noted elements (as serviceValues reads split ones). */
export function readService(service: Service, e: Elements, componentSep: number): void {
  const i = service.institutional;
  const k = i ? 2 : 1;
  if (k < e.count) {
    // The components of SV101 / SV202: 1 is the code, 2 to 5 the modifiers.
    const text = e.text;
    const end = e.ends[k]!;
    let s = e.starts[k]!;
    let c = 0;
    let m2 = '';
    let m3 = '';
    let m4 = '';
    let m5 = '';
    for (let at = s; at <= end && c < 6; at++) {
      if (at < end && text.charCodeAt(at) !== componentSep) continue;
      if (c === 1) service.code = shared(text, s, at) || undefined;
      else if (c === 2) m2 = shared(text, s, at);
      else if (c === 3) m3 = shared(text, s, at);
      else if (c === 4) m4 = shared(text, s, at);
      else if (c === 5) m5 = shared(text, s, at);
      c++;
      s = at + 1;
    }
    service.modifiers = modifierList(m2, m3, m4, m5);
  }
  service.units = e.get(i ? 5 : 4) || undefined;
  service.amount = e.get(i ? 3 : 2) || undefined;
  service.place = i || e.count <= 5 ? undefined : shared(e.text, e.starts[5]!, e.ends[5]!) || undefined;
}

/** The modifiers that are not blank, in order, in an array of just their number. */
function modifierList(a: string, b: string, c: string, d: string): string[] {
  if (d === '') {
    if (c === '') {
      if (b === '') return a === '' ? [] : [a];
      return a === '' ? [b] : [a, b];
    }
  }
  return [a, b, c, d].filter((m) => m !== '');
}
