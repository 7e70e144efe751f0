/**
 * What a reader yields, one item per input record, in input order: a record
 * for the bundle to judge, or a problem the reader found (a line that is not
 * JSON, invalid UTF-8, duplicate keys, a ragged CSV row, an 837 service line
 * without its date). A problem still becomes exactly one result: the CLI
 * gives the bundle a placeholder carrying the identifiers the reader knows,
 * and `problemResult` turns that placeholder's result into the reader's
 * message. This file is the one place that happens.
 */
import type { LineResult } from '../interpret.ts';

/** Where a record of an X12 837 file came from, so an analyst can find it. */
export interface Origin {
  /** The input file's name as given (`-` for standard input). */
  file: string;
  /** ISA13, the interchange control number. */
  interchange: string | null;
  /** GS06, the functional group control number. */
  group: string | null;
  /** ST02, the transaction set control number. */
  transaction: string | null;
  /** CLM01, the claim. */
  claim: string | null;
  /** LX01, the service line number. */
  line: string | null;
  /** The 1-based number of the line's SV1/SV2 segment in the file (ISA is 1). */
  segment: number;
}

/** One input record the reader could read. */
export interface RecordItem {
  record: unknown;
  origin?: Origin;
  /** The record's JSON text, when it was read as one (a JSON Lines line): parsing it again gives `record`. */
  text?: string;
}

/** One input record the reader could not read: judged `invalid` with this message. */
export interface ProblemItem {
  problem: string;
  /** Identifiers the reader could still make out, echoed in the result. */
  claimId?: string;
  lineNumber?: number;
  origin?: Origin;
}

/** A fault of a file's structure that is not one record (837 envelope counts, a truncated file). */
export interface FaultItem {
  fault: string;
}

/** What readers yield. */
export type ReadItem = RecordItem | ProblemItem | FaultItem;

/** The value handed to the bundle for a problem: only the identifiers, so it is judged invalid. */
export function placeholderFor(item: ProblemItem): Record<string, unknown> {
  const placeholder: Record<string, unknown> = Object.create(null);
  if (item.claimId !== undefined) placeholder.claimId = item.claimId;
  if (item.lineNumber !== undefined) placeholder.lineNumber = item.lineNumber;
  return placeholder;
}

/** The result fields a problem record keeps; every other (what the line was classified as) is null. */
const KEPT = new Set(['index', 'claimId', 'lineNumber', 'status', 'findings']);

/**
 * The result of a problem record: the bundle's invalid-record finding (its rule,
 * severity and citation) with the reader's message, and nothing classified.
 */
export function problemResult(result: LineResult, problem: string): LineResult {
  const base = result.findings[0];
  const out: LineResult = {
    ...result,
    status: 'invalid',
    findings: [{
      rule: base?.rule ?? 'record',
      category: 'invalid-record',
      severity: 'error',
      message: problem,
      cite: base?.cite ?? '',
    }],
  };
  for (const key of Object.keys(out)) if (!KEPT.has(key)) (out as Record<string, unknown>)[key] = null;
  return out;
}

/** True when a reader item is a structural fault rather than a record. */
export function isFault(item: ReadItem): item is FaultItem {
  return (item as FaultItem).fault !== undefined;
}

/** True when a reader item is a problem record. */
export function isProblem(item: ReadItem): item is ProblemItem {
  return (item as ProblemItem).problem !== undefined;
}
