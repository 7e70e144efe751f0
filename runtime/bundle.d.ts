// The API of every compiled bundle. The emitter writes this file, under a generated-file header, beside
// each bundle (X.d.ts and X.d.mts); the reference interpreter uses the same types.

// ---- ServiceLine: generated from compiler/fields.ts (RECORD_FIELDS) by compiler/emit/dts.ts
/** One input line (the record format); `null`, absent and `""` are the same for optional fields; unknown fields are ignored. */
export interface ServiceLine {
  /** the claim or encounter the line belongs to: text, not blank (837: CLM01) */
  claimId: string;
  /** the line's number within its claim: whole number ≥ 1 (837: LX01) */
  lineNumber: number;
  /** the member served: text, not blank (837: NM1*IL NM109) */
  memberId: string;
  /** date of service, or the first day of a range: `YYYY-MM-DD` (a real date) (837: DTP*472 (D8, or RD8 start)) */
  serviceDate: string;
  /** last day of a range of service dates: `YYYY-MM-DD`, not before `serviceDate` (837: DTP*472 RD8 end) */
  serviceDateEnd?: string | null;
  /** HCPCS Level II or CPT code: 5 letters or digits (837: SV101-2 / SV202-2) */
  procedureCode: string;
  /** procedure modifiers, in any order: list of 0–4 two-character modifiers (837: SV101-3..6 / SV202-3..6) */
  modifiers?: readonly string[] | null;
  /** units reported: number > 0 (837: SV104 / SV205) */
  units: number;
  /** time spent, in minutes: whole number ≥ 0 */
  minutes?: number | null;
  /** billed or deposit amount: number ≥ 0 (837: SV102 / SV203) */
  amount?: number | null;
  /** place of service: two digits, `"02"` (a whole number 0–99 is read as its two-digit code) (837: SV105, else CLM05-1) */
  placeOfService?: string | number | null;
  /** credential of the person who provided the service (RN, LCSW, CHW, …): text, compared upper-cased */
  staffCredential?: string | null;
  /** rendering provider taxonomy: text (837: PRV*PE in 2420A/2310B) */
  renderingTaxonomy?: string | null;
  /** the managed care plan: text */
  planId?: string | null;
  [field: string]: unknown;
}
// ---- end of ServiceLine

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
  // ---- result attributes: the rule set's attributes with `result: true` (compiler/emit/dts.ts)
  [attribute: string]: unknown;
  // ---- end of result attributes
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
  // ---- entry attributes: every attribute the rule set declares (compiler/emit/dts.ts)
  [attribute: string]: unknown;
  // ---- end of entry attributes
  unit: string;
  description: string;
  effective: string | null;
  retired: string | null;
  cite: string;
}

/** A plan profile (the content of a profile file): the plan's selections among `meta.choices`. */
export interface PlanProfile {
  name?: string;
  /** When given, must be this bundle's guidance. */
  guidance?: string;
  description?: string;
  /** A guidance code with none of the guidance's defining modifiers (T1019 alone): an error (default) or out of scope. */
  codesWithoutGuidanceModifiers?: 'undefined-combination' | 'out-of-scope';
  /** Choice id → the alternative selected, or the alternatives allowed; a choice left out keeps its default. */
  choices?: Readonly<Record<string, string | readonly string[]>>;
}

/** A choice the guidance leaves to the plan, as `meta.choices` lists it. */
export interface PlanChoice {
  id: string;
  title: string;
  category: string;
  severity: 'error' | 'warning';
  cite: string;
  /** The alternatives allowed when a profile says nothing of the choice; null: all of them. */
  default: readonly string[] | null;
  alternatives: readonly { name: string; label: string; combinations: readonly string[] }[];
}

export interface ValidateOptions {
  /** `YYYY-MM-DD`: judge with the newest edition published on or before it. */
  asOf?: string;
  /** A plan profile, for a bundle compiled without one (a bundle compiled with one throws a RangeError). */
  profile?: PlanProfile;
  [option: string]: unknown;
}

export declare const meta: {
  readonly guidance: string;
  readonly title: string;
  readonly versions: readonly string[];
  readonly releases: readonly { version: string; published: string; appliesFrom: string; extends: string | null }[];
  readonly sourceHash: string;
  /** The choices a plan profile may select among. */
  readonly choices: readonly PlanChoice[];
  /** The name of the plan profile compiled in, or null. */
  readonly profile: string | null;
};

/** Judge lines with every rule, cross-line rules included: one result per input, same order. Never throws on bad records. */
export declare function validate(lines: readonly unknown[], options?: ValidateOptions): LineResult[];
/** validate() for input that arrives a line at a time: add(line) for each, then finish() gives the results, in order. */
export declare function createValidator(options?: ValidateOptions): { add(line: unknown): void; finish(): LineResult[] };
/**
 * For inputs larger than memory: lines whose shard keys differ never change each other's results, so each
 * shard can be validated on its own (one createValidator per shard, results put back in input order).
 * Null: the line changes and is changed by no other; validateLine judges it alone. A line whose key fields
 * are right has their key even when another field is wrong (it is judged invalid, the same in any shard).
 */
export declare function shardKey(line: unknown, options?: ValidateOptions): string | null;
/** Judge one line with its line-level rules only. */
export declare function validateLine(line: unknown, options?: ValidateOptions): LineResult;
/** The catalogue entry a code and modifiers define (in force on serviceDate when given), or null. */
export declare function classify(procedureCode: string, modifiers?: readonly string[], serviceDate?: string): CatalogueEntry | null;
