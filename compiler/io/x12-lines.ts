/**
 * A 2400 service line of an 837 as the reader (compiler/io/x12.ts) holds it,
 * and the input record made of it. Which 837 element feeds which record field
 * is declared in compiler/fields.ts; `FROM_837` reads each declared source.
 * Values are text read one character per byte (Latin-1); a line whose input had
 * bytes past ASCII is read as UTF-8 first (`decodeLine`), and a line that is not
 * UTF-8 becomes a problem naming the byte offset of its segment.
 */
import { RECORD_FIELDS } from '../fields.ts';
import type { Origin } from './items.ts';
import { firstInvalidUtf8 } from './utf8.ts';

/** A value read from the 837 (trimmed) with the file offset of its segment (for UTF-8 faults). */
export interface Value {
  text: string;
  at: number;
  /** The text read as UTF-8, or the offset of its first bad byte, once worked out (a claim's and a member's values serve many lines). */
  utf8?: string | number;
}

/**
 * The SV1/SV2 segment of a service line: the values the record takes from it, trimmed,
 * or — for a segment with bytes past ASCII — its elements as split, to be read as UTF-8 first.
 */
export interface Service {
  segment: number;
  at: number;
  institutional: boolean;
  /** SV101-2 / SV202-2, undefined when blank. */
  code: string | undefined;
  /** SV101-3..6 / SV202-3..6, the blank ones left out. */
  modifiers: string[];
  /** SV104 / SV205, undefined when blank. */
  units: string | undefined;
  /** SV102 / SV203, undefined when blank. */
  amount: string | undefined;
  /** SV105 (837P), undefined when blank or institutional. */
  place: string | undefined;
  /** The segment's elements and SV101 / SV202 components, when the values above are still to be read from them as UTF-8. */
  raw: { elements: string[]; composite: string[] } | null;
}

/** One 2400 service line as read, with what its claim and subscriber carry down. */
export interface ServiceLine837 {
  member: Value | null;
  claim: Value | null;
  claimPlace: Value | null;
  claimTaxonomy: Value | null;
  lx: Value;
  lxSegment: number;
  service: Service | null;
  date: Value | null;
  taxonomy: Value | null;
}

const el = (v: Value | null): string | undefined => (v === null || v.text === '' ? undefined : v.text);

/** CCYYMMDD → CCYY-MM-DD (any other text as it is); each date is made once, by its digits as a number. */
const DAYS = new Map<number, string>();
function d8(s: string): string {
  if (s.length !== 8) return s;
  let key = 0;
  for (let i = 0; i < 8; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return s;
    key = key * 10 + d;
  }
  let day = DAYS.get(key);
  if (day === undefined) {
    day = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
    if (DAYS.size >= 4096) DAYS.clear();
    DAYS.set(key, day);
  }
  return day;
}

/** DTP*472: D8 CCYYMMDD, or RD8 CCYYMMDD-CCYYMMDD. */
function serviceStart(line: ServiceLine837): string | undefined {
  const raw = el(line.date);
  if (raw === undefined) return undefined;
  const dash = raw.indexOf('-');
  return d8(dash === -1 ? raw : raw.slice(0, dash));
}
function serviceEnd(line: ServiceLine837): string | undefined {
  const raw = el(line.date);
  const dash = raw === undefined ? -1 : raw.indexOf('-');
  return dash === -1 ? undefined : d8(raw!.slice(dash + 1));
}

/** How each 837 source named in compiler/fields.ts is read from a service line. */
export const FROM_837: Readonly<Record<string, (line: ServiceLine837) => string | string[] | undefined>> = {
  'CLM01': (l) => el(l.claim),
  'LX01': (l) => el(l.lx),
  'NM1*IL NM109': (l) => el(l.member),
  'DTP*472 (D8, or RD8 start)': serviceStart,
  'DTP*472 RD8 end': serviceEnd,
  'SV101-2 / SV202-2': (l) => l.service?.code,
  'SV101-3..6 / SV202-3..6': (l) => l.service?.modifiers,
  'SV104 / SV205': (l) => l.service?.units,
  'SV102 / SV203': (l) => l.service?.amount,
  'SV105, else CLM05-1': (l) => (l.service?.institutional ? undefined : (l.service?.place ?? el(l.claimPlace))),
  'PRV*PE in 2420A/2310B': (l) => el(l.taxonomy) ?? el(l.claimTaxonomy),
};

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)$/;

/** A numeric field's text as a number when it is one (as Number() reads it), else the text. */
function numberOf(v: string): number | string {
  // Up to 15 digits: exact in a double, so the digits added up are what Number() gives.
  if (v.length <= 15) {
    let n = 0;
    let i = 0;
    for (; i < v.length; i++) {
      const c = v.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      n = n * 10 + c;
    }
    if (i === v.length && i > 0) return n;
  }
  return NUMBER.test(v) ? Number(v) : v;
}

/** The fields an 837 carries, each with its reading, worked out once from the field table. */
const READINGS = RECORD_FIELDS.filter((f) => f.x12 !== null).map((f) => {
  const read = FROM_837[f.x12!];
  if (read === undefined) throw new Error(`no 837 reading for ${f.x12} (field ${f.name})`);
  return { name: f.name, numeric: f.kind === 'integer' || f.kind === 'number', read };
});

/** The input record of a service line, by the field table; numbers where the field is numeric. */
export function recordOf837(line: ServiceLine837): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let i = 0; i < READINGS.length; i++) {
    const { name, numeric, read } = READINGS[i]!;
    const v = read(line);
    if (v === undefined) continue;
    record[name] = numeric && typeof v === 'string' ? numberOf(v) : v;
  }
  return record;
}

/** The values of an SV1/SV2 read from its split elements (text already read as UTF-8 where it had to be). */
export function serviceValues(service: Service, elements: readonly string[], composite: readonly string[]): void {
  const i = service.institutional;
  service.code = composite[1]?.trim() || undefined;
  service.modifiers = composite.slice(2, 6).map((m) => m.trim()).filter((m) => m !== '');
  service.units = elements[i ? 5 : 4]?.trim() || undefined;
  service.amount = elements[i ? 3 : 2]?.trim() || undefined;
  service.place = i ? undefined : elements[5]?.trim() || undefined;
}

const HIGH = /[\x80-\xff]/;

/**
 * Text read as Latin-1 (one char per byte) back to UTF-8, trimmed (as String.prototype.trim: the text was
 * trimmed of ASCII whitespace only); the offset of a bad byte when it is not UTF-8.
 */
function utf8Of(text: string): string | number {
  if (!HIGH.test(text)) return text;
  const bytes = Buffer.from(text, 'latin1');
  const bad = firstInvalidUtf8(bytes);
  return bad === -1 ? bytes.toString('utf8').trim() : bad;
}

/** Text read as Latin-1 as people should see it (in an origin, in a message): read as UTF-8 and trimmed, bytes that are not UTF-8 shown as U+FFFD. */
export function readable(text: string): string {
  return HIGH.test(text) ? Buffer.from(text, 'latin1').toString('utf8').trim() : text;
}

/** True when text read as Latin-1 has a byte past ASCII. */
export function pastAscii(text: string): boolean {
  return HIGH.test(text);
}

/** The identifiers a problem of a service line still echoes: its claim (when it is UTF-8) and its line number. */
export function idsOf(line: ServiceLine837): { claimId?: string; lineNumber?: number } {
  const ids: { claimId?: string; lineNumber?: number } = {};
  const claim = line.claim === null ? null : utf8Of(line.claim.text);
  if (typeof claim === 'string') ids.claimId = claim;
  if (/^\d+$/.test(line.lx.text)) ids.lineNumber = Number(line.lx.text);
  return ids;
}

/** How a problem names a service line. */
export function describe(origin: Origin): string {
  return `service line LX ${origin.line || '(blank)'} of claim ${origin.claim || '(none)'} (segment ${origin.segment})`;
}

/** A service line with its values read as UTF-8 (the input had bytes past ASCII), or the file offset of a segment that is not UTF-8. */
export function decodeLine(line: ServiceLine837): ServiceLine837 | number {
  const value = (v: Value | null): Value | null | number => {
    if (v === null) return null;
    const u = (v.utf8 ??= utf8Of(v.text));
    return typeof u === 'number' ? v.at : u === v.text ? v : { text: u, at: v.at };
  };
  const out: ServiceLine837 = { ...line };
  for (const k of ['member', 'claim', 'claimPlace', 'claimTaxonomy', 'date', 'taxonomy'] as const) {
    const v = value(line[k]);
    if (typeof v === 'number') return v;
    out[k] = v;
  }
  const lx = value(line.lx);
  if (typeof lx === 'number') return lx;
  out.lx = lx!;
  const sv = line.service!;
  if (sv.raw === null) return out; // an SV1/SV2 of ASCII only: its values are read already
  const elements: string[] = [];
  for (const x of [...sv.raw.elements, ...sv.raw.composite]) {
    const u = utf8Of(x);
    if (typeof u === 'number') return sv.at;
    elements.push(u);
  }
  out.service = { ...sv, raw: null };
  serviceValues(out.service, elements.slice(0, sv.raw.elements.length), elements.slice(sv.raw.elements.length));
  return out;
}
