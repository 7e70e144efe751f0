/**
 * The X12 837P / 837I reader (005010X222A1, 005010X223A2): a small segment
 * reader, streamed. Separators come from each ISA; line breaks after the
 * segment terminator are optional. Every 2400 service line (LX + SV1/SV2)
 * yields one item with its `origin`, claim- and subscriber-level values
 * carried down; envelope faults (ISA length, SE/GE/IEA counts and control
 * numbers, a truncated file) yield fault items and cost no readable line.
 * Which element feeds which record field: compiler/io/x12-lines.ts; reading
 * segments in place: compiler/io/x12-segments.ts.
 *
 * Segments are read where they lie in the text of the input (one character
 * per byte): only the values a record takes become strings, and segments the
 * reader does not use are only counted.
 */
import type { Origin, ReadItem } from './items.ts';
import { isAscii } from 'node:buffer';
import { decodeLine, describe, idsOf, pastAscii, readable, recordOf837, type Service, type ServiceLine837, type Value } from './x12-lines.ts';
import { Elements, readService } from './x12-segments.ts';

export { FROM_837, recordOf837, type ServiceLine837 } from './x12-lines.ts';

/** Text shown as it is (an input of ASCII only). */
const asIs = (text: string): string => text;

/** A segment ID of two or three characters as a number (their character codes, 8 bits each). */
const id = (name: string): number => [...name].reduce((code, c) => code * 256 + c.charCodeAt(0), 0);
const GS = id('GS'); const ST = id('ST'); const HL = id('HL'); const NM1 = id('NM1'); const CLM = id('CLM'); const PRV = id('PRV');
const LX = id('LX'); const SV1 = id('SV1'); const SV2 = id('SV2'); const DTP = id('DTP'); const SE = id('SE'); const GE = id('GE'); const IEA = id('IEA');

/** How many elements (the ID counted) of a segment the reader uses; 0 for a segment it only counts. */
function elementsUsed(code: number): number {
  switch (code) {
    case LX: return 2;
    case ST: case SE: case GE: case IEA: return 3;
    case DTP: case PRV: case HL: return 4;
    case SV1: case SV2: case CLM: return 6;
    case GS: return 7;
    case NM1: return 10;
    default: return 0;
  }
}

/** Reading state of one file: envelope, hierarchy, claim, line. */
class Reader {
  readonly out: ReadItem[] = [];
  private elementSep = '*';
  private componentSep = ':';
  private terminator = '~';
  /** The element and component separators as character codes. */
  private elementCode = 42;
  private componentCode = 58;
  private readonly e = new Elements();
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
    this.elementCode = sep.charCodeAt(0);
    this.componentCode = this.componentSep.charCodeAt(0);
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

  /**
   * The ID of the segment text[start, end) as a number (character codes, 8 bits each),
   * -1 unless the text before its first element separator is two or three characters.
   */
  private idOf(text: string, start: number, end: number): number {
    const sep = this.elementCode;
    const length = end - start;
    if (length < 2) return -1;
    const c0 = text.charCodeAt(start);
    const c1 = text.charCodeAt(start + 1);
    if (c0 === sep || c1 === sep) return -1;
    if (length === 2) return c0 * 256 + c1;
    const c2 = text.charCodeAt(start + 2);
    if (c2 === sep) return c0 * 256 + c1;
    if (length > 3 && text.charCodeAt(start + 3) !== sep) return -1;
    return (c0 * 256 + c1) * 256 + c2;
  }

  /** One segment, text[start, end) (terminator left out, leading line breaks skipped), starting at file offset `at`. */
  segment(text: string, start: number, end: number, at: number): void {
    this.segmentNo++;
    if (this.st !== null) this.st.segments++;
    const code = this.idOf(text, start, end);
    const e = this.e;
    const limit = elementsUsed(code);
    if (limit === 0) {
      // A segment the reader does not use is only counted.
      if (!this.inInterchange) {
        const cut = text.indexOf(this.elementSep, start);
        const idEnd = cut === -1 || cut >= end ? end : cut;
        this.fault(`segment ${this.segmentNo} (${text.slice(start, Math.min(idEnd, start + 10))}) is outside any interchange: it is not read`);
      }
      return;
    }
    e.read(text, start, end, this.elementCode, limit);
    switch (code) {
      case GS:
        if (this.gs !== null) this.fault(`functional group ${this.gs.control} has no GE before the GS at segment ${this.segmentNo}`);
        if (this.isa !== null) this.isa.groups++;
        this.gs = { control: e.get(6), transactions: 0, segment: this.segmentNo };
        break;
      case ST:
        this.endLine();
        if (this.st !== null) this.fault(`transaction ${this.st.control} has no SE before the ST at segment ${this.segmentNo}`);
        if (this.gs !== null) this.gs.transactions++;
        this.st = { control: e.get(2), segments: 1, segment: this.segmentNo };
        this.member = null;
        this.endClaim();
        break;
      case HL:
        this.endLine();
        this.endClaim();
        if (e.is(3, '22') || e.is(3, '20')) this.member = null;
        break;
      case NM1:
        this.lastName = e.get(1);
        if (this.lastName === 'IL' && !this.inClaim) this.member = e.value(9, at);
        break;
      case CLM:
        this.endLine();
        this.endClaim();
        this.inClaim = true;
        this.claim = e.value(1, at);
        this.claimPlace = { text: e.component(5, 0, this.componentSep), at };
        break;
      case PRV:
        if (e.is(1, 'PE') && this.inClaim) {
          if (this.line !== null) this.line.taxonomy = e.value(3, at);
          else this.claimTaxonomy = e.value(3, at);
        }
        break;
      case LX:
        this.endLine();
        this.line = {
          member: this.member, claim: this.claim, claimPlace: this.claimPlace, claimTaxonomy: this.claimTaxonomy,
          lx: e.value(1, at), lxSegment: this.segmentNo, service: null, date: null, taxonomy: null,
        };
        break;
      case SV1: case SV2: {
        if (this.line === null || this.line.service !== null) {
          this.fault(`${code === SV2 ? 'SV2' : 'SV1'} at segment ${this.segmentNo} is not inside a service line (LX): it is not read`);
          break;
        }
        const institutional = code === SV2;
        const service: Service = { segment: this.segmentNo, at, institutional, code: undefined, modifiers: [], units: undefined, amount: undefined, place: undefined, raw: null };
        const seg = this.nonAscii ? text.slice(start, end) : '';
        if (this.nonAscii && pastAscii(seg)) {
          // Read once the line's text is known to be UTF-8 (decodeLine).
          const elements = seg.split(this.elementSep);
          service.raw = { elements, composite: (elements[institutional ? 2 : 1] ?? '').split(this.componentSep) };
        } else {
          readService(service, e, this.componentCode);
        }
        this.line.service = service;
        break;
      }
      case DTP:
        if (this.line !== null && e.is(1, '472')) this.line.date = e.value(3, at);
        break;
      case SE: this.endTransaction(); break;
      case GE: this.endGroup(); break;
      case IEA: this.endInterchange(); break;
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
    // Values are text read one character per byte: shown as their UTF-8 reading when the file has bytes past ASCII.
    const shown = this.nonAscii ? readable : asIs;
    const origin: Origin = {
      file: this.file,
      interchange: this.isa === null ? null : shown(this.isa.control),
      group: this.gs === null ? null : shown(this.gs.control),
      transaction: this.st === null ? null : shown(this.st.control),
      claim: line.claim === null ? null : shown(line.claim.text),
      line: shown(line.lx.text),
      segment: line.service?.segment ?? line.lxSegment,
    };
    if (line.service === null) {
      this.out.push({ problem: `${describe(origin)} has no SV1/SV2 service segment`, ...idsOf(line), origin });
      return;
    }
    if (line.date === null) {
      this.out.push({ problem: `${describe(origin)} has no DTP*472 service date`, ...idsOf(line), origin });
      return;
    }
    if (!this.nonAscii) {
      this.out.push({ record: recordOf837(line), origin });
      return;
    }
    const decoded = decodeLine(line);
    if (typeof decoded === 'number') {
      this.out.push({ problem: `${describe(origin)} is not valid UTF-8: a segment of the line at byte offset ${decoded} of the file`, ...idsOf(line), origin });
      return;
    }
    this.out.push({ record: recordOf837(decoded), origin });
  }

  private endTransaction(): void {
    this.endLine();
    this.endClaim();
    const st = this.st;
    if (st === null) { this.fault(`SE at segment ${this.segmentNo} has no ST before it`); return; }
    this.st = null;
    const count = this.e.get(1);
    if (count !== String(st.segments)) this.fault(`transaction ${st.control}: SE01 says ${count || '(blank)'} segments, the transaction has ${st.segments} (ST to SE)`);
    const control = this.e.get(2);
    if (control !== st.control) this.fault(`transaction ${st.control}: SE02 is ${control || '(blank)'}, not the ST02 control number`);
  }

  private endGroup(): void {
    if (this.st !== null) this.fault(`transaction ${this.st.control} has no SE before the GE at segment ${this.segmentNo}`);
    this.endLine();
    this.st = null;
    const gs = this.gs;
    if (gs === null) { this.fault(`GE at segment ${this.segmentNo} has no GS before it`); return; }
    this.gs = null;
    const count = this.e.get(1);
    if (count !== String(gs.transactions)) this.fault(`functional group ${gs.control}: GE01 says ${count || '(blank)'} transactions, the group has ${gs.transactions}`);
    const control = this.e.get(2);
    if (control !== gs.control) this.fault(`functional group ${gs.control}: GE02 is ${control || '(blank)'}, not the GS06 control number`);
  }

  private endInterchange(): void {
    if (this.gs !== null) this.fault(`functional group ${this.gs.control} has no GE before the IEA at segment ${this.segmentNo}`);
    this.endLine();
    this.st = this.gs = null;
    const isa = this.isa;
    this.inInterchange = false;
    if (isa === null) return;
    const count = this.e.get(1);
    if (count !== String(isa.groups)) this.fault(`interchange ${isa.control}: IEA01 says ${count || '(blank)'} functional groups, the interchange has ${isa.groups}`);
    const control = this.e.get(2);
    if (control !== isa.control) this.fault(`interchange ${isa.control}: IEA02 is ${control || '(blank)'}, not the ISA13 control number`);
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
            // Without a first ISA there are no separators to read anything by: say what the text
            // is (once there is enough of it to say the same whatever the chunks), and read no more.
            if (reader.startInterchange(text.slice(pos, pos + 4096), final) === -1) break;
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
      reader.segment(text, pos, end, offset + pos);
      if (end - pos >= 3 && text.startsWith('IEA', pos)) expectIsa = true;
      pos = end + 1;
    }
    offset += pos;
    text = text.slice(pos);
  };
  for await (const raw of source) {
    const bytes = typeof raw === 'string' ? Buffer.from(raw) : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    if (!reader.nonAscii && !isAscii(bytes)) reader.nonAscii = true;
    // One flat string of the text left over and the chunk (a joined string is slower to read character by character).
    text = text === '' ? bytes.toString('latin1') : Buffer.concat([Buffer.from(text, 'latin1'), bytes]).toString('latin1');
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
