/**
 * The conformance suite's back ends and case files. Every back end the
 * compiler has is one entry of {@link BACKENDS}: it evaluates expression
 * probes and judges whole inputs.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { compileBundle, loadRules, type LoadResult } from '../../compiler/compile.ts';
import { loadBundle } from '../../compiler/examples.ts';
import { interpret, type LineResult } from '../../compiler/interpret.ts';
import type { RuleSet } from '../../compiler/model.ts';
import { probeBundle, probeInterpreter, type Probe, type ProbeOutcome } from '../../compiler/probe.ts';
import { sqlBackend } from '../sql/conformance-backends.ts';

/** The guidance every case is evaluated against. */
export const CONFORMANCE_GUIDANCE = 'test/fixtures/conformance/conformance-guidance';

/** One way of running the language: the reference interpreter, emitted JavaScript, SQL. */
export interface Backend {
  name: string;
  /** The value of each probe's expression (see compiler/probe.ts). */
  probe(rs: RuleSet, probes: readonly Probe[]): Promise<ProbeOutcome[]>;
  /** Judge an input with every rule of a loaded rule folder. */
  judge(loaded: LoadResult, lines: readonly unknown[]): Promise<LineResult[]>;
  /** Let go of what the back end holds (a database server), after a test file. */
  close?(): Promise<void>;
}

/** Every back end the compiler has. */
export const BACKENDS: readonly Backend[] = [
  {
    name: 'interpreter',
    probe: async (rs, probes) => probeInterpreter(rs, probes),
    judge: async (loaded, lines) => interpret(loaded.versions, lines),
  },
  {
    name: 'javascript',
    probe: probeBundle,
    judge: async (loaded, lines) => {
      const mod = (await loadBundle(compileBundle(loaded).js)) as unknown as { validate(l: readonly unknown[]): LineResult[] };
      return mod.validate(lines);
    },
  },
  // The SQL back end: the script run in embedded DuckDB and in PostgreSQL (test/sql/conformance-backends.ts).
  sqlBackend('duckdb'),
  sqlBackend('postgres'),
];

/** A record written in a case: fields over the default line. */
export type PartialLine = Record<string, unknown>;

/** An expression's value (or its compile error) for a line and the other lines of its input. */
export interface ExpressionCase {
  expression: string;
  line?: PartialLine;
  others?: PartialLine[];
  result?: unknown;
  error?: string;
  note?: string;
}

/**
 * A rule added to the guidance (a declaration, a message template), judged over
 * lines: `messages[i]` lists the messages of that rule's findings on line i.
 */
export interface RuleCase {
  name: string;
  rule: Record<string, unknown>;
  /** More sections for the rule set (an `attributes:` section, a catalogue service). */
  add?: Record<string, unknown>;
  lines: PartialLine[];
  messages?: string[][];
  error?: string;
}

export type Case = ExpressionCase | RuleCase;

/** The default judged line: a classified T2040 U6 (per 15 minutes) for member M1 on 2024-04-01. */
export const DEFAULT_LINE: Readonly<PartialLine> = Object.freeze({
  claimId: 'C1', lineNumber: 1, memberId: 'M1', serviceDate: '2024-04-01', procedureCode: 'T2040', modifiers: ['U6'], units: 1,
});

/** Line `i` of an input (0 is the judged line): the default line, renumbered, with the case's fields over it. */
export function lineAt(i: number, over: PartialLine | undefined): PartialLine {
  return { ...DEFAULT_LINE, claimId: `C${i + 1}`, lineNumber: i + 1, ...over };
}

/** The day `n` days after 2024-04-01, written YYYY-MM-DD. */
export function dayOf(n: number): string {
  return new Date(Date.UTC(2024, 3, 1) + n * 864e5).toISOString().slice(0, 10);
}

/** What a property test draws for one line of a cross-line case (test/behaviour/groups*.test.ts). */
export interface DrawnLine { code: number; member: string; plan?: string; day: number; span: number; units: number; minutes?: number }

/** Line `i` of a drawn input: one of `codes`, with the drawn member, plan, days, units and minutes. */
export function drawnLine(codes: readonly PartialLine[], l: DrawnLine, i: number): PartialLine {
  const line: PartialLine = { ...codes[l.code], memberId: l.member, serviceDate: dayOf(l.day), units: l.units };
  if (l.plan !== undefined) line.planId = l.plan;
  if (l.span > 0) line.serviceDateEnd = dayOf(l.day + l.span);
  if (l.minutes !== undefined) line.minutes = l.minutes;
  return lineAt(i, line);
}

/** The probe an expression case asks for. */
export function probeOf(c: ExpressionCase): Probe {
  return { expression: c.expression, line: lineAt(0, c.line), others: (c.others ?? []).map((o, i) => lineAt(i + 1, o)) };
}

/** Read a case file; every case must be well formed. */
export function readCases(path: string): Case[] {
  const data = parse(readFileSync(path, 'utf8')) as { cases?: unknown };
  if (!data || !Array.isArray(data.cases)) throw new Error(`${path}: expected a "cases:" list`);
  return data.cases.map((c: Record<string, unknown>, i: number) => {
    const has = (k: string) => Object.prototype.hasOwnProperty.call(c, k);
    const outcome = has('rule') ? 'messages' : 'result';
    if (has(outcome) === has('error')) throw new Error(`${path}: case ${i + 1} needs exactly one of ${outcome} and error`);
    if (has('rule') ? !Array.isArray(c.lines) : typeof c.expression !== 'string') throw new Error(`${path}: case ${i + 1} needs an expression, or a rule and lines`);
    return c as unknown as Case;
  });
}

/** Is this a rule case? */
export function isRuleCase(c: Case): c is RuleCase {
  return 'rule' in c;
}

/** Load the conformance guidance with a rule case's rule (and added sections) written beside its files. */
export function loadWithRule(c: RuleCase): LoadResult {
  const dir = mkdtempSync(join(tmpdir(), 'codeguide-conformance-'));
  try {
    const version = join(dir, 'conformance-guidance');
    cpSync(CONFORMANCE_GUIDANCE, version, { recursive: true });
    writeFileSync(join(version, '1.0', 'zz-case.yaml'), stringify({ ...(c.add ?? {}), rules: [c.rule] }));
    return loadRules(version);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The messages of one rule's findings, per line. */
export function messagesOf(results: readonly LineResult[], ruleId: string): string[][] {
  return results.map((r) => r.findings.filter((f) => f.rule === ruleId).map((f) => f.message));
}

/**
 * Judge drawn inputs with the reference interpreter and the printed JavaScript: the results must be the same
 * for every input. `seen` is told each input and its results, to count what the inputs exercised.
 */
export async function agreeOnDrawnInputs(loaded: LoadResult, inputs: fc.Arbitrary<PartialLine[]>, runs: { numRuns: number; seed: number }, seen: (lines: PartialLine[], results: LineResult[]) => void): Promise<void> {
  const [interpreter, javascript] = ['interpreter', 'javascript'].map((n) => BACKENDS.find((b) => b.name === n)!);
  await fc.assert(
    fc.asyncProperty(inputs, async (lines) => {
      const [want, got] = await Promise.all([interpreter!.judge(loaded, lines), javascript!.judge(loaded, lines)]);
      expect(got).toEqual(want);
      seen(lines, want);
    }),
    runs,
  );
}
