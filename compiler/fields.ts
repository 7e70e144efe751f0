/**
 * The input record, declared once. The record check, the expression scope,
 * the bundle's `.d.ts`, the CSV reader, the X12 837 mapping and the README's
 * field table all come from this table; a test fails when any of them drifts.
 */

/** How a field is written in an input record, and what it becomes once checked. */
export type FieldKind =
  /** Text; a required one must not be empty or only spaces. */
  | 'id'
  /** Free text. */
  | 'text'
  /** Text compared upper-cased and trimmed (credentials). */
  | 'upperText'
  /** A whole number of at least `min`. */
  | 'integer'
  /** A finite number; `positive`: > 0, else ≥ 0. */
  | 'number'
  /** `YYYY-MM-DD`, a real date; becomes a day number. */
  | 'date'
  /** A procedure code: 5 letters or digits, upper-cased (which codes a guidance knows is its catalogue's: compiler/codes.ts). */
  | 'code'
  /** A list of 0–4 two-character modifiers; upper-cased and sorted. */
  | 'modifiers'
  /** Two digits; a whole number 0–99 is read as its two-digit code. */
  | 'placeOfService';

/** The type an expression sees for a field. */
export type ExprType = 'string' | 'number' | 'date' | 'list';

/** One field of the input record. */
export interface RecordField {
  /** The name in JSON Lines, CSV headers, expressions and the bundle's types. */
  name: string;
  kind: FieldKind;
  required: boolean;
  /** For `integer`: the least value (0 when not given). */
  min?: number;
  /** For `number`: true when the value must be > 0 (else ≥ 0). */
  positive?: boolean;
  /** Must not be before this other date field (serviceDateEnd ≥ serviceDate); the two make the line's date range. */
  notBefore?: string;
  /** For `modifiers`: the most items a list may hold. */
  maxItems?: number;
  /** The CSV header naming the column (the same name as in JSON Lines). */
  csv: string;
  /** Where an X12 837P/837I service line carries it, or null when the 837 does not. */
  x12: string | null;
  /** The type expressions see. */
  type: ExprType;
  /** For people: the README table and the `.d.ts`. */
  description: string;
}

/** The input record's fields, in the order records are documented and checked. */
export const RECORD_FIELDS: readonly RecordField[] = [
  { name: 'claimId', kind: 'id', required: true, csv: 'claimId', x12: 'CLM01', type: 'string', description: 'the claim or encounter the line belongs to' },
  { name: 'lineNumber', kind: 'integer', min: 1, required: true, csv: 'lineNumber', x12: 'LX01', type: 'number', description: 'the line\'s number within its claim' },
  { name: 'memberId', kind: 'id', required: true, csv: 'memberId', x12: 'NM1*IL NM109', type: 'string', description: 'the member served' },
  { name: 'serviceDate', kind: 'date', required: true, csv: 'serviceDate', x12: 'DTP*472 (D8, or RD8 start)', type: 'date', description: 'date of service, or the first day of a range' },
  { name: 'serviceDateEnd', kind: 'date', required: false, notBefore: 'serviceDate', csv: 'serviceDateEnd', x12: 'DTP*472 RD8 end', type: 'date', description: 'last day of a range of service dates' },
  { name: 'procedureCode', kind: 'code', required: true, csv: 'procedureCode', x12: 'SV101-2 / SV202-2', type: 'string', description: 'HCPCS Level II or CPT code' },
  { name: 'modifiers', kind: 'modifiers', maxItems: 4, required: false, csv: 'modifiers', x12: 'SV101-3..6 / SV202-3..6', type: 'list', description: 'procedure modifiers, in any order' },
  { name: 'units', kind: 'number', positive: true, required: true, csv: 'units', x12: 'SV104 / SV205', type: 'number', description: 'units reported' },
  { name: 'minutes', kind: 'integer', min: 0, required: false, csv: 'minutes', x12: null, type: 'number', description: 'time spent, in minutes' },
  { name: 'amount', kind: 'number', required: false, csv: 'amount', x12: 'SV102 / SV203', type: 'number', description: 'billed or deposit amount' },
  { name: 'placeOfService', kind: 'placeOfService', required: false, csv: 'placeOfService', x12: 'SV105, else CLM05-1', type: 'string', description: 'place of service' },
  { name: 'staffCredential', kind: 'upperText', required: false, csv: 'staffCredential', x12: null, type: 'string', description: 'credential of the person who provided the service (RN, LCSW, CHW, …)' },
  { name: 'renderingTaxonomy', kind: 'text', required: false, csv: 'renderingTaxonomy', x12: 'PRV*PE in 2420A/2310B', type: 'string', description: 'rendering provider taxonomy' },
  { name: 'planId', kind: 'text', required: false, csv: 'planId', x12: null, type: 'string', description: 'the managed care plan' },
];

/** Line fields computed from the record, visible to expressions like record fields. */
export const DERIVED_FIELDS: readonly { name: string; type: ExprType; nullable: boolean; description: string }[] = [
  { name: 'serviceDays', type: 'number', nullable: false, description: 'days in serviceDate..serviceDateEnd (1 without an end)' },
];

/** The record field of a name, if there is one. */
export function recordField(name: string): RecordField | undefined {
  return RECORD_FIELDS.find((f) => f.name === name);
}

/** The record's field of a kind (the code, the modifiers), for what is built from them (the combination key). */
export function fieldOfKind(kind: FieldKind): RecordField {
  const f = RECORD_FIELDS.find((x) => x.kind === kind);
  if (!f) throw new Error(`fields: no record field of kind ${kind}`);
  return f;
}

/**
 * What a field must be, as a record problem states it: the message is
 * `<requirement> (got <value>)`, e.g. `units is required and must be a number greater than 0 (got 0)`.
 */
export function requirement(f: RecordField): string {
  const must = `${f.name} ${f.required ? 'is required and must' : 'must'}`;
  switch (f.kind) {
    case 'id': return `${must} be a non-empty string`;
    case 'text': case 'upperText': return `${must} be text`;
    case 'integer': return `${must} be a whole number of at least ${f.min ?? 0}`;
    case 'number': return `${must} be a number ${f.positive ? 'greater than 0' : 'of at least 0'}`;
    case 'date': return `${must} be a real date written YYYY-MM-DD`;
    case 'code': return `${must} be 5 letters or digits`;
    case 'modifiers': return `${must} be a list of at most ${f.maxItems ?? 4} two-character modifiers`;
    case 'placeOfService': return `${must} be two digits, e.g. "02"`;
  }
}

/** The other problems a field can have, beyond its requirement. */
export const FIELD_PROBLEMS = {
  /** A required identifier of only white space. */
  blank: (f: RecordField) => `${f.name} is required and must not be blank`,
  /** A list of modifiers with an item that is not one. */
  badModifier: (f: RecordField) => `${f.name} must hold two-character modifiers only`,
  /** A range end before its start; the start's value as written follows. */
  beforeStart: (f: RecordField) => `${f.name} must not be before ${f.notBefore} `,
  /** A field whose reading threw (a getter, a Proxy). */
  unreadable: (f: RecordField) => `${f.name} could not be read (reading it raised an error)`,
} as const;

/** A field's type as people read it (the README table, the `.d.ts`, the schema); Markdown code spans in backticks. */
export function documentedType(f: RecordField): string {
  switch (f.kind) {
    case 'id': return 'text, not blank';
    case 'text': return 'text';
    case 'upperText': return 'text, compared upper-cased';
    case 'integer': return `whole number ≥ ${f.min ?? 0}`;
    case 'number': return f.positive ? 'number > 0' : 'number ≥ 0';
    case 'date': return f.notBefore ? `\`YYYY-MM-DD\`, not before \`${f.notBefore}\`` : '`YYYY-MM-DD` (a real date)';
    case 'code': return '5 letters or digits';
    case 'modifiers': return `list of 0–${f.maxItems ?? 4} two-character modifiers`;
    case 'placeOfService': return 'two digits, `"02"` (a whole number 0–99 is read as its two-digit code)';
  }
}

/** The README's field table (the "Records" section), as Markdown. */
export function readmeFieldTable(): string {
  const rows = RECORD_FIELDS.map((f) => `| \`${f.name}\` | ${documentedType(f)} | ${f.required ? 'yes' : 'no'} | ${f.x12 === null ? '—' : `\`${f.x12}\``} | ${f.description} |`);
  return ['| field | type | required | 837 source | what it is |', '|---|---|---|---|---|', ...rows].join('\n');
}

/**
 * The JSON Schema of an example's line (`definitions.exampleLine` in
 * compiler/schema/rules.schema.json): the record fields with their descriptions,
 * for editors. Values are not constrained — examples hold invalid records on purpose.
 */
export function exampleLineSchema(): Record<string, unknown> {
  const plain = (s: string) => s.replace(/`/g, '');
  return {
    description: 'An input line of an example, in the record format (README, "Records"). claimId and lineNumber are filled in, and `exampleDefaults` fill what a line leaves out. Values are not checked here: an example may hold an invalid record on purpose.',
    type: 'object',
    properties: Object.fromEntries(RECORD_FIELDS.map((f) => [f.name, {
      description: `${f.description}: ${plain(documentedType(f))}${f.required ? '; required' : ''}`,
    }])),
  };
}

/** Can an expression see null for this field? Exactly when it is optional; absent modifiers are an empty list instead. */
export function exprNullable(f: RecordField): boolean {
  return !f.required && f.kind !== 'modifiers';
}
