// The API of every compiled bundle. The emitter writes this file, under a generated-file header, beside
// each bundle (X.d.ts and X.d.mts); the reference interpreter uses the same types.

/** One input line (see the record format); unknown fields are ignored. */
export interface ServiceLine {
  claimId: string;
  lineNumber: number;
  memberId: string;
  /** YYYY-MM-DD */
  serviceDate: string;
  /** YYYY-MM-DD, not before serviceDate */
  serviceDateEnd?: string | null;
  procedureCode: string;
  modifiers?: string[] | null;
  units: number;
  minutes?: number | null;
  amount?: number | null;
  /** two digits, e.g. "02" */
  placeOfService?: string | null;
  staffCredential?: string | null;
  renderingTaxonomy?: string | null;
  planId?: string | null;
  [field: string]: unknown;
}

export interface Finding {
  rule: string;
  category: string;
  severity: 'error' | 'warning';
  message: string;
  cite: string;
}

export interface LineResult {
  /** 0-based position of the record in the input */
  index: number;
  claimId: string | null;
  lineNumber: number | null;
  status: 'accepted' | 'rejected' | 'out-of-scope' | 'invalid';
  program: string | null;
  service: string | null;
  delivery: string | null;
  staff: 'clinical' | 'non-clinical' | null;
  outreach: boolean | null;
  billableUnits: number | null;
  guidanceVersion: string | null;
  findings: Finding[];
}

/** A catalogue entry, as classify() returns it. */
export interface CatalogueEntry {
  guidanceVersion: string;
  combination: string;
  code: string;
  modifiers: string[];
  program: string;
  service: string;
  delivery: string;
  staff: 'clinical' | 'non-clinical' | null;
  outreach: boolean;
  unit: string;
  amountRequired: boolean;
  description: string;
  effective: string | null;
  retired: string | null;
  cite: string;
}

export interface ValidateOptions {
  [option: string]: unknown;
}

export declare const meta: {
  readonly guidance: string;
  readonly title: string;
  readonly versions: readonly string[];
  readonly releases: readonly { version: string; published: string; appliesFrom: string; supersedes: string | null }[];
  readonly sourceHash: string;
};

/** Judge lines with every rule, cross-line rules included: one result per input, same order. Never throws on bad records. */
export declare function validate(lines: readonly unknown[], options?: ValidateOptions): LineResult[];
/** validate() for input that arrives a line at a time: add(line) for each, then finish() gives the results, in order. */
export declare function createValidator(options?: ValidateOptions): { add(line: unknown): void; finish(): LineResult[] };
/** Judge one line with its line-level rules only. */
export declare function validateLine(line: unknown, options?: ValidateOptions): LineResult;
/** The catalogue entry a code and modifiers define (in force on serviceDate when given), or null. */
export declare function classify(procedureCode: string, modifiers?: readonly string[], serviceDate?: string): CatalogueEntry | null;
