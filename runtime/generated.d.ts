// Types of the functions the emitter generates into every bundle beside the
// runtime, for the type checker of runtime/*.js (the bundle has them inline).
import type { LineRecord, RecordProblem } from './record.js';

/**
 * The record check generated from the record field table (compiler/fields.ts)
 * by compiler/emit/record.ts: the normalised line, or null with one problem per
 * bad field pushed into `problems`. Never throws.
 */
export declare function checkRecord(raw: unknown, problems: RecordProblem[]): LineRecord | null;
