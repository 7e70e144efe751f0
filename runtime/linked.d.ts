// Runtime modules are linked into one scope in every bundle (compiler/emit/link.ts), so they refer to each
// other's declarations by name rather than by import (an import would be rewritten by module loaders and
// then not stand alone in a bundle). These declarations tell the type checker what those names are.
import type { LineRecord, RecordProblem } from './record.js';

declare global {
  function checkRecord(raw: unknown, problems: RecordProblem[]): LineRecord | null;
  /** One field read as the quick record check reads it, or `unreadable` (compiler/emit/record.ts). */
  function readKeyField(raw: unknown, field: string): unknown;
  function echoIds(raw: unknown): { claimId: string | null; lineNumber: number | null };
  function parseDay(text: unknown): number;
  /** What a field that cannot be read reads as (runtime/record.js). */
  function unreadable(): void;
  const MAX_GROUP_DAYS: number;
  // runtime/engine.js and runtime/profile.js
  function editionAsOf(B: import('./engine.js').Bundle, options: unknown): import('./engine.js').Edition;
  function tablesFor(B: import('./engine.js').Bundle, v: import('./engine.js').Edition, options: unknown): import('./profile.js').PlanTables;
  function lacksGuidanceModifier(v: import('./engine.js').Edition, mods: string[]): boolean;
}
