/**
 * The X12 837P / 837I reader (005010X222A1, 005010X223A2): a small segment
 * reader, streamed. Separators come from each ISA; line breaks after the
 * segment terminator are optional. Every 2400 service line (LX + SV1/SV2)
 * yields one item with its `origin`, claim- and subscriber-level values
 * carried down; envelope faults (ISA length, SE/GE/IEA counts and control
 * numbers, a truncated file) yield fault items and cost no readable line.
 * Which 837 element feeds which record field is declared in compiler/fields.ts;
 * `FROM_837` below reads each declared source.
 */
import { RECORD_FIELDS } from '../fields.ts';
import type { Origin, ReadItem } from './items.ts';
import { isAscii } from 'node:buffer';
import { firstInvalidUtf8 } from './utf8.ts';

/** A value read from the 837 with the file offset of its segment (for UTF-8 faults). */
interface Value { text: string; at: number }

/** One 2400 service line as read, with what its claim and subscriber carry down. */
export interface ServiceLine837 {
  member: Value | null;
  claim: Value | null;
  claimPlace: Value | null;
  claimTaxonomy: Value | null;
  lx: Value;
  lxSegment: number;
  service: { elements: string[]; composite: string[]; segment: number; at: number; institutional: boolean } | null;
  date: Value | null;
  taxonomy: Value | null;
}

const el = (v: Value | null): string | undefined => (v === null || v.text === '' ? undefined : v.text);
const d8 = (s: string | undefined): string | undefined => (s !== undefined && /^\d{8}$/.test(s) ? `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}` : s);

/** DTP*472: D8 CCYYMMDD, or RD8 CCYYMMDD-CCYYMMDD. */
function serviceDates(line: ServiceLine837): [string | undefined, string | undefined] {
  const raw = el(line.date);
  if (raw === undefined) return [undefined, undefined];
  const dash = raw.indexOf('-');
  return dash === -1 ? [d8(raw), undefined] : [d8(raw.slice(0, dash)), d8(raw.slice(dash + 1))];
}

/** How each 837 source named in compiler/fields.ts is read from a service line. */
export const FROM_837: Readonly<Record<string, (line: ServiceLine837) => string | string[] | undefined>> = {
  'CLM01': (l) => el(l.claim),
  'LX01': (l) => el(l.lx),
  'NM1*IL NM109': (l) => el(l.member),
  'DTP*472 (D8, or RD8 start)': (l) => serviceDates(l)[0],
  'DTP*472 RD8 end': (l) => serviceDates(l)[1],
  'SV101-2 / SV202-2': (l) => l.service?.composite[1]?.trim() || undefined,
  'SV101-3..6 / SV202-3..6': (l) => l.service?.composite.slice(2, 6).map((m) => m.trim()).filter((m) => m !== ''),
  'SV104 / SV205': (l) => l.service?.elements[l.service.institutional ? 5 : 4]?.trim() || undefined,
  'SV102 / SV203': (l) => l.service?.elements[l.service.institutional ? 3 : 2]?.trim() || undefined,
  'SV105, else CLM05-1': (l) => (l.service?.institutional ? undefined : (l.service?.elements[5]?.trim() || el(l.claimPlace))),
  'PRV*PE in 2420A/2310B': (l) => el(l.taxonomy) ?? el(l.claimTaxonomy),
};

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)$/;

/** The fields an 837 carries, each with its reading, worked out once from the field table. */
const READINGS = RECORD_FIELDS.filter((f) => f.x12 !== null).map((f) => {
  const read = FROM_837[f.x12!];
  if (read === undefined) throw new Error(`no 837 reading for ${f.x12} (field ${f.name})`);
  return { name: f.name, numeric: f.kind === 'integer' || f.kind === 'number', read };
});

/** The input record of a service line, by the field table; numbers where the field is numeric. */
export function recordOf837(line: ServiceLine837): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const { name, numeric, read } of READINGS) {
    const v = read(line);
    if (v === undefined) continue;
    record[name] = numeric && typeof v === 'string' && NUMBER.test(v) ? Number(v) : v;
  }
  return record;
}

/** Text read as Latin-1 (one char per byte) back to UTF-8; the offset of a bad byte when it is not UTF-8. */
function utf8Of(text: string): string | number {
  if (!/[\x80-\xff]/.test(text)) return text;
  const bytes = Buffer.from(text, 'latin1');
  const bad = firstInvalidUtf8(bytes);
  return bad === -1 ? bytes.toString('utf8') : bad;
}

/** The identifiers a problem of a service line still echoes: its claim (when it is UTF-8) and its line number. */
function idsOf(line: ServiceLine837): { claimId?: string; lineNumber?: number } {
  const ids: { claimId?: string; lineNumber?: number } = {};
  if (line.claim !== null && typeof utf8Of(line.claim.text) === 'string') ids.claimId = line.claim.text;
  if (/^\d+$/.test(line.lx.text)) ids.lineNumber = Number(line.lx.text);
  return ids;
}

/** How a problem names a service line. */
function describe(line: ServiceLine837, origin: Origin): string {
  return `service line LX ${line.lx.text || '(blank)'} of claim ${line.claim?.text || '(none)'} (segment ${origin.segment})`;
}

/** A service line with its values read as UTF-8 (the input had bytes past ASCII), or the file offset of a segment that is not UTF-8. */
function decodeLine(line: ServiceLine837): ServiceLine837 | number {
  const value = (v: Value | null): Value | null | number => {
    if (v === null) return null;
    const u = utf8Of(v.text);
    return typeof u === 'number' ? v.at : { text: u, at: v.at };
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
  const elements: string[] = [];
  for (const x of [...sv.elements, ...sv.composite]) {
    const u = utf8Of(x);
    if (typeof u === 'number') return sv.at;
    elements.push(u);
  }
  out.service = { ...sv, elements: elements.slice(0, sv.elements.length), composite: elements.slice(sv.elements.length) };
  return out;
}

/**
 * A segment ID of up to three characters as a number (its character codes, 8 bits each; -1 for any other),
 * so that telling segments apart makes no string per segment.
 */
function idCode(seg: string, length: number): number {
  if (length < 2 || length > 3) return -1;
  let code = 0;
  for (let i = 0; i < length; i++) {
    const c = seg.charCodeAt(i);
    if (c > 0xff) return -1;
    code = code * 256 + c;
  }
  return code;
}
const id = (name: string): number => idCode(name, name.length);
const GS = id('GS'); const ST = id('ST'); const HL = id('HL'); const NM1 = id('NM1'); const CLM = id('CLM'); const PRV = id('PRV');
const LX = id('LX'); const SV1 = id('SV1'); const SV2 = id('SV2'); const DTP = id('DTP'); const SE = id('SE'); const GE = id('GE'); const IEA = id('IEA');

/** Segments whose elements the reader uses; others are only counted. */
const READ_SEGMENTS = new Set([GS, ST, HL, NM1, CLM, PRV, LX, SV1, SV2, DTP, SE, GE, IEA]);
const NO_ELEMENTS: string[] = [];

function valueOf(e: readonly string[], i: number, at: number): Value {
  return { text: (e[i] ?? '').trim(), at };
}

/** Reading state of one file: envelope, hierarchy, claim, line. */
class Reader {
  readonly out: ReadItem[] = [];
  private elementSep = '*';
  private componentSep = ':';
  private terminator = '~';
  private inInterchange = false;
  private isa: { control: string; groups: number; segment: number } | null = null;
  private gs: { control: string; transactions: number; segment: number } | null = null;
  private st: { control: string; segments: number; segment: number } | null = null;
  private member: Value | null = null;
  private inClaim = false;
  private claim: Value | null = null;
  private claimPlace: Value | null = null;
  private claimTaxonomy: Value | null = null;
  private line: ServiceLine837 | null = null;
  private lastName = ''; // NM101 of the last NM1, to tell rendering (82) provider loops
  segmentNo = 0;
  /** Some byte of the input so far is past ASCII: values must be checked and read as UTF-8. */
  nonAscii = false;

  constructor(private readonly file: string) {}

  /** Separators of an interchange from its ISA segment (`text` starts with "ISA"); returns the ISA's length, or -1 when more text is needed. */
  startInterchange(text: string, final: boolean): number {
    if (text.length < 4) return final ? this.badStart(text) : -1;
    const sep = text[3]!;
    let at = 3;
    for (let k = 0; k < 15 && at !== -1; k++) at = text.indexOf(sep, at + 1);
    // `at` is the separator before ISA16 (or -1); ISA16 is one character, then the terminator.
    if (at === -1 || at + 2 >= text.length) return final ? this.badStart(text) : -1;
    if (at > 200) return this.badStart(text);
    this.elementSep = sep;
    this.componentSep = text[at + 1]!;
    this.terminator = text[at + 2]!;
    const length = at + 3;
    const elements = text.slice(0, length - 1).split(sep);
    this.segmentNo++;
    if (length !== 106) this.fault(`ISA segment ${this.segmentNo} is ${length} characters long; X12 requires 106 (its fixed-width elements padded with spaces); separators were read from it anyway`);
    if (this.inInterchange) this.fault(`interchange ${this.isa?.control} has no IEA before the next ISA (segment ${this.segmentNo})`);
    this.isa = { control: (elements[13] ?? '').trim(), groups: 0, segment: this.segmentNo };
    this.inInterchange = true;
    return length;
  }

  private badStart(text: string): number {
    this.fault(`the text at segment ${this.segmentNo + 1} is not an X12 ISA segment (${JSON.stringify(text.slice(0, 20))}…): it and everything after it cannot be read (is the input an X12 837?)`);
    return -2;
  }

  fault(message: string): void {
    this.out.push({ fault: message });
  }

  get separator(): string { return this.terminator; }

  /** One segment (terminator removed, leading line breaks trimmed), starting at file offset `at`. */
  segment(seg: string, at: number): void {
    this.segmentNo++;
    if (this.st !== null) this.st.segments++;
    const cut = seg.indexOf(this.elementSep);
    const code = idCode(seg, cut === -1 ? seg.length : cut);
    // Only the segments read here are split into elements.
    const e = READ_SEGMENTS.has(code) ? seg.split(this.elementSep) : NO_ELEMENTS;
    switch (code) {
      case GS:
        if (this.gs !== null) this.fault(`functional group ${this.gs.control} has no GE before the GS at segment ${this.segmentNo}`);
        if (this.isa !== null) this.isa.groups++;
        this.gs = { control: (e[6] ?? '').trim(), transactions: 0, segment: this.segmentNo };
        break;
      case ST:
        this.endLine();
        if (this.st !== null) this.fault(`transaction ${this.st.control} has no SE before the ST at segment ${this.segmentNo}`);
        if (this.gs !== null) this.gs.transactions++;
        this.st = { control: (e[2] ?? '').trim(), segments: 1, segment: this.segmentNo };
        this.member = null;
        this.endClaim();
        break;
      case HL:
        this.endLine();
        this.endClaim();
        if ((e[3] ?? '').trim() === '22' || (e[3] ?? '').trim() === '20') this.member = null;
        break;
      case NM1:
        this.lastName = (e[1] ?? '').trim();
        if (this.lastName === 'IL' && !this.inClaim) this.member = valueOf(e, 9, at);
        break;
      case CLM:
        this.endLine();
        this.endClaim();
        this.inClaim = true;
        this.claim = valueOf(e, 1, at);
        this.claimPlace = { text: (e[5] ?? '').split(this.componentSep)[0]!.trim(), at };
        break;
      case PRV:
        if ((e[1] ?? '').trim() === 'PE' && this.inClaim) {
          if (this.line !== null) this.line.taxonomy = valueOf(e, 3, at);
          else this.claimTaxonomy = valueOf(e, 3, at);
        }
        break;
      case LX:
        this.endLine();
        this.line = {
          member: this.member, claim: this.claim, claimPlace: this.claimPlace, claimTaxonomy: this.claimTaxonomy,
          lx: valueOf(e, 1, at), lxSegment: this.segmentNo, service: null, date: null, taxonomy: null,
        };
        break;
      case SV1: case SV2: {
        if (this.line === null || this.line.service !== null) {
          this.fault(`${code === SV2 ? 'SV2' : 'SV1'} at segment ${this.segmentNo} is not inside a service line (LX): it is not read`);
          break;
        }
        const institutional = code === SV2;
        const composite = (e[institutional ? 2 : 1] ?? '').split(this.componentSep);
        this.line.service = { elements: e, composite, segment: this.segmentNo, at, institutional };
        break;
      }
      case DTP:
        if ((e[1] ?? '').trim() === '472' && this.line !== null) this.line.date = valueOf(e, 3, at);
        break;
      case SE: this.endTransaction(e); break;
      case GE: this.endGroup(e); break;
      case IEA: this.endInterchange(e); break;
      default:
        if (!this.inInterchange) this.fault(`segment ${this.segmentNo} (${seg.slice(0, Math.min(cut === -1 ? seg.length : cut, 10))}) is outside any interchange: it is not read`);
    }
  }

  private endClaim(): void {
    this.inClaim = false;
    this.claim = this.claimPlace = this.claimTaxonomy = null;
  }

  /** The current service line, if any, becomes an item. */
  endLine(): void {
    const line = this.line;
    if (line === null) return;
    this.line = null;
    const origin: Origin = {
      file: this.file,
      interchange: this.isa?.control ?? null,
      group: this.gs?.control ?? null,
      transaction: this.st?.control ?? null,
      claim: line.claim?.text ?? null,
      line: line.lx.text,
      segment: line.service?.segment ?? line.lxSegment,
    };
    if (line.service === null) {
      this.out.push({ problem: `${describe(line, origin)} has no SV1/SV2 service segment`, ...idsOf(line), origin });
      return;
    }
    if (line.date === null) {
      this.out.push({ problem: `${describe(line, origin)} has no DTP*472 service date`, ...idsOf(line), origin });
      return;
    }
    if (!this.nonAscii) {
      this.out.push({ record: recordOf837(line), origin });
      return;
    }
    const decoded = decodeLine(line);
    if (typeof decoded === 'number') {
      this.out.push({ problem: `${describe(line, origin)} is not valid UTF-8: a segment of the line at byte offset ${decoded} of the file`, ...idsOf(line), origin });
      return;
    }
    this.out.push({ record: recordOf837(decoded), origin });
  }

  private endTransaction(e: string[]): void {
    this.endLine();
    this.endClaim();
    const st = this.st;
    if (st === null) { this.fault(`SE at segment ${this.segmentNo} has no ST before it`); return; }
    this.st = null;
    const count = (e[1] ?? '').trim();
    if (count !== String(st.segments)) this.fault(`transaction ${st.control}: SE01 says ${count || '(blank)'} segments, the transaction has ${st.segments} (ST to SE)`);
    if ((e[2] ?? '').trim() !== st.control) this.fault(`transaction ${st.control}: SE02 is ${(e[2] ?? '').trim() || '(blank)'}, not the ST02 control number`);
  }

  private endGroup(e: string[]): void {
    if (this.st !== null) this.fault(`transaction ${this.st.control} has no SE before the GE at segment ${this.segmentNo}`);
    this.endLine();
    this.st = null;
    const gs = this.gs;
    if (gs === null) { this.fault(`GE at segment ${this.segmentNo} has no GS before it`); return; }
    this.gs = null;
    const count = (e[1] ?? '').trim();
    if (count !== String(gs.transactions)) this.fault(`functional group ${gs.control}: GE01 says ${count || '(blank)'} transactions, the group has ${gs.transactions}`);
    if ((e[2] ?? '').trim() !== gs.control) this.fault(`functional group ${gs.control}: GE02 is ${(e[2] ?? '').trim() || '(blank)'}, not the GS06 control number`);
  }

  private endInterchange(e: string[]): void {
    if (this.gs !== null) this.fault(`functional group ${this.gs.control} has no GE before the IEA at segment ${this.segmentNo}`);
    this.endLine();
    this.st = this.gs = null;
    const isa = this.isa;
    this.inInterchange = false;
    if (isa === null) return;
    const count = (e[1] ?? '').trim();
    if (count !== String(isa.groups)) this.fault(`interchange ${isa.control}: IEA01 says ${count || '(blank)'} functional groups, the interchange has ${isa.groups}`);
    if ((e[2] ?? '').trim() !== isa.control) this.fault(`interchange ${isa.control}: IEA02 is ${(e[2] ?? '').trim() || '(blank)'}, not the ISA13 control number`);
    this.isa = null;
  }

  /** The input has ended. */
  end(leftover: string): void {
    if (leftover.trim() !== '') this.fault(`the file ends in the middle of segment ${this.segmentNo + 1} (${JSON.stringify(leftover.trim().slice(0, 20))}): it was truncated; that segment is not read`);
    this.endLine();
    if (this.st !== null) this.fault(`the file ends inside transaction ${this.st.control} (no SE): it may be truncated`);
    else if (this.gs !== null) this.fault(`the file ends inside functional group ${this.gs.control} (no GE): it may be truncated`);
    else if (this.inInterchange) this.fault(`the file ends inside interchange ${this.isa?.control} (no IEA): it may be truncated`);
  }
}

/**
 * Read an 837 from a byte stream: service lines as records (or problems), with
 * their origin, and envelope faults, in file order. `file` names the input in origins.
 */
export async function* readX12(source: AsyncIterable<Uint8Array | string>, file: string): AsyncGenerator<ReadItem> {
  for await (const batch of readX12Batches(source, file)) yield* batch;
}

/** readX12, the items of each chunk at once. */
export async function* readX12Batches(source: AsyncIterable<Uint8Array | string>, file: string): AsyncGenerator<ReadItem[]> {
  const reader = new Reader(file);
  let text = '';
  let offset = 0; // file offset of text[0]
  let expectIsa = true;
  let dead = false;
  const step = (final: boolean): void => {
    let pos = 0;
    for (;;) {
      if (dead) { pos = text.length; break; }
      while (pos < text.length && isSpace(text.charCodeAt(pos))) pos++;
      if (pos >= text.length) break;
      if (expectIsa) {
        if (!text.startsWith('ISA', pos)) {
          if (text.length - pos < 3 && !final) break;
          if (reader.segmentNo === 0) {
            // Without a first ISA there are no separators to read anything by.
            reader.startInterchange(text.slice(pos), true);
            dead = true;
            continue;
          }
          // After an IEA, text that is not an ISA is read with the separators before it.
          reader.fault(`segment ${reader.segmentNo + 1} follows the end of an interchange (IEA) but is not an ISA; it is read with the previous interchange's separators`);
          expectIsa = false;
          continue;
        }
        const length = reader.startInterchange(text.slice(pos, pos + 4096), final);
        if (length === -1) break;
        if (length === -2) { dead = true; continue; }
        pos += length;
        expectIsa = false;
        continue;
      }
      const end = text.indexOf(reader.separator, pos);
      if (end === -1) break;
      const seg = text.slice(pos, end);
      reader.segment(seg, offset + pos);
      pos = end + 1;
      if (seg.startsWith('IEA')) expectIsa = true;
    }
    offset += pos;
    text = text.slice(pos);
  };
  for await (const raw of source) {
    const bytes = typeof raw === 'string' ? Buffer.from(raw) : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    if (!reader.nonAscii && !isAscii(bytes)) reader.nonAscii = true;
    text += bytes.toString('latin1');
    step(false);
    if (reader.out.length > 0) yield reader.out.splice(0);
  }
  step(true);
  reader.end(dead ? '' : text);
  if (reader.out.length > 0) yield reader.out.splice(0);
}

function isSpace(c: number): boolean {
  return c === 10 || c === 13 || c === 32 || c === 9;
}
