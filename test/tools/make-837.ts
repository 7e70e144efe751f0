/**
 * Writes input records as an X12 837P (005010X222A1) or 837I (005010X223A2)
 * interchange — the inverse of compiler/io/x12.ts, for round-trip tests, the
 * benchmark and the shipped samples. Consecutive lines of one claim become one
 * CLM; consecutive claims of one member share a subscriber HL; transactions
 * hold `claimsPerTransaction` claims. Deterministic: no clock.
 *
 *   npx tsx test/tools/make-837.ts    # writes rules/dhcs-ecm-cs/sample/encounters-837p.x12 and -837i.x12
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

type Rec = Record<string, unknown>;

/** How to write the interchange. */
export interface Write837Options {
  kind: 'P' | 'I';
  claimsPerTransaction?: number;
  /** A line break after each segment terminator (the default), or none. */
  lineBreaks?: boolean;
  /** Separators: element, component, repetition, segment terminator. */
  separators?: { element: string; component: string; repetition: string; terminator: string };
  /** ISA13 (and GS06 = its number). */
  control?: number;
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const ymd = (v: unknown): string => str(v).replace(/-/g, '');

/** An 837 interchange holding the records. */
export function write837(records: readonly Rec[], options: Write837Options): string {
  const sep = options.separators ?? { element: '*', component: ':', repetition: '^', terminator: '~' };
  const institutional = options.kind === 'I';
  const version = institutional ? '005010X223A2' : '005010X222A1';
  const perTransaction = options.claimsPerTransaction ?? 50;
  const control = options.control ?? 1;
  const out: string[] = [];
  const seg = (...elements: string[]): void => { out.push(elements.join(sep.element) + sep.terminator); };
  const isa13 = String(control).padStart(9, '0');
  seg('ISA', '00', ' '.repeat(10), '00', ' '.repeat(10), 'ZZ', 'CODEGUIDESUBMIT', 'ZZ', 'DHCSRECEIVER   ', '240701', '1200', sep.repetition, '00501', isa13, '0', 'T', sep.component);
  seg('GS', 'HC', 'CODEGUIDESUBMIT', 'DHCSRECEIVER', '20240701', '1200', String(control), 'X', version);

  // Claims: runs of consecutive lines with the same claim and member.
  const claims: Rec[][] = [];
  for (const r of records) {
    const last = claims[claims.length - 1];
    if (last !== undefined && last[0]!.claimId === r.claimId && last[0]!.memberId === r.memberId) last.push(r);
    else claims.push([r]);
  }
  let transactions = 0;
  for (let t = 0; t < claims.length || (t === 0 && claims.length === 0); t += perTransaction) {
    transactions++;
    const st02 = String(transactions).padStart(4, '0');
    const start = out.length;
    seg('ST', '837', st02, version);
    seg('BHT', '0019', '00', `B${control}-${st02}`, '20240701', '1200', 'CH');
    seg('NM1', '41', '2', 'CODEGUIDE SAMPLE SUBMITTER', '', '', '', '', '46', 'S0001');
    seg('PER', 'IC', 'CLAIMS DESK', 'TE', '9165550100');
    seg('NM1', '40', '2', 'DHCS', '', '', '', '', '46', 'DHCS');
    seg('HL', '1', '', '20', '1');
    seg('NM1', '85', '2', 'SAMPLE ECM PROVIDER', '', '', '', '', 'XX', '1234567893');
    seg('N3', '1501 CAPITOL AVE');
    seg('N4', 'SACRAMENTO', 'CA', '958997413');
    seg('REF', 'EI', '123456789');
    let hl = 1;
    let member: unknown = Symbol('none');
    for (const claim of claims.slice(t, t + perTransaction)) {
      const first = claim[0]!;
      if (first.memberId !== member) {
        member = first.memberId;
        hl++;
        seg('HL', String(hl), '1', '22', '0');
        seg('SBR', 'P', '18', '', '', '', '', '', '', 'MC');
        seg('NM1', 'IL', '1', 'MEMBER', 'SAMPLE', '', '', '', 'MI', str(member));
        seg('NM1', 'PR', '2', 'MEDI-CAL', '', '', '', '', 'PI', '610442');
      }
      const total = claim.reduce((n, r) => n + (typeof r.amount === 'number' ? r.amount : 0), 0);
      const place = institutional ? '89' : str(first.placeOfService) || '11';
      seg('CLM', str(first.claimId), String(total), '', '', `${place}${sep.component}${institutional ? 'A' : 'B'}${sep.component}1`, ...(institutional ? ['', 'A', 'Y', 'Y'] : ['Y', 'A', 'Y', 'Y']));
      if (institutional) seg('DTP', '434', 'RD8', `${ymd(first.serviceDate)}-${ymd(claim[claim.length - 1]!.serviceDateEnd ?? claim[claim.length - 1]!.serviceDate)}`);
      seg('HI', institutional ? 'ABK:Z590' : 'ABK:Z590');
      for (const r of claim) {
        seg('LX', str(r.lineNumber));
        const mods = Array.isArray(r.modifiers) ? r.modifiers.slice(0, 4).map(str) : [];
        const composite = ['HC', str(r.procedureCode), ...mods].join(sep.component);
        const amount = typeof r.amount === 'number' ? String(r.amount) : '0';
        if (institutional) seg('SV2', '0500', composite, amount, 'UN', str(r.units));
        else seg('SV1', composite, amount, 'UN', str(r.units), str(r.placeOfService), '', '1');
        if (r.serviceDateEnd !== undefined && r.serviceDateEnd !== null && r.serviceDateEnd !== '') seg('DTP', '472', 'RD8', `${ymd(r.serviceDate)}-${ymd(r.serviceDateEnd)}`);
        else if (r.serviceDate !== undefined && r.serviceDate !== null) seg('DTP', '472', 'D8', ymd(r.serviceDate));
        if (!institutional && typeof r.renderingTaxonomy === 'string' && r.renderingTaxonomy !== '') {
          seg('NM1', '82', '1', 'RENDERING', 'SAMPLE', '', '', '', 'XX', '1234567893');
          seg('PRV', 'PE', 'PXC', r.renderingTaxonomy);
        }
      }
    }
    seg('SE', String(out.length - start + 1), st02);
  }
  seg('GE', String(transactions), String(control));
  seg('IEA', '1', isa13);
  return out.join(options.lineBreaks === false ? '' : '\n') + (options.lineBreaks === false ? '' : '\n');
}

/** An 837's text with whole segments after the ISA dropped or repeated: each edit at its position modulo the segments left. */
export function editSegments(text: string, terminator: string, edits: readonly { at: number; repeat: boolean }[]): string {
  const segs = text.slice(106).split(terminator);
  const tail = segs.pop()!;
  for (const e of edits) {
    if (segs.length === 0) break;
    const at = e.at % segs.length;
    if (e.repeat) segs.splice(at, 0, segs[at]!);
    else segs.splice(at, 1);
  }
  return text.slice(0, 106) + segs.map((s) => s + terminator).join('') + tail;
}

/** The records of a JSON Lines file that are JSON objects (the lines an 837 can carry). */
export function objectLines(text: string): Rec[] {
  const records: Rec[] = [];
  for (const line of text.split('\n')) {
    try {
      const v = JSON.parse(line) as unknown;
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) records.push(v as Rec);
    } catch { /* not a record */ }
  }
  return records;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '../../rules/dhcs-ecm-cs/sample');
  const records = objectLines(readFileSync(join(dir, 'encounters.jsonl'), 'utf8'));
  writeFileSync(join(dir, 'encounters-837p.x12'), write837(records, { kind: 'P', claimsPerTransaction: 40, control: 240701 }));
  writeFileSync(join(dir, 'encounters-837i.x12'), write837(records, { kind: 'I', claimsPerTransaction: 40, control: 240702 }));
  console.log(`wrote ${records.length} service lines as 837P and 837I to ${dir}`);
}
