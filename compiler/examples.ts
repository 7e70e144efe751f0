/**
 * Examples in rule files: lines with the outcome an analyst expects. They run
 * at every compile and under `codeguide test`, against the emitted bundle of
 * their own version, and report which rules and entries no example exercises.
 */
import type { Diagnostic } from './diagnostics.ts';
import { emitBundle } from './emit/bundle.ts';
import type { LineResult } from './interpret.ts';
import type { Example, Expectation, RuleSet } from './model.ts';
import { diagnosticAt } from './source.ts';

/** What a validator must offer to run examples: a compiled bundle, or the reference interpreter wrapped alike. */
export interface Engine {
  validate(lines: readonly unknown[]): LineResult[];
  classify(code: string, modifiers: readonly string[], serviceDate?: string): { combination: string } | null;
}

export interface ExampleReport {
  version: string;
  total: number;
  /** How many examples had at least one line that did not come out as expected. */
  failedExamples: number;
  failed: Diagnostic[];
  /** Rule ids no example produced a finding of. */
  rulesNotExercised: string[];
  /** Catalogue combinations no example line classified to. */
  entriesNotExercised: string[];
}

/** Load a bundle's source as a module (no file needed). */
export async function loadBundle(js: string): Promise<Engine & { meta: unknown; validateLine(line: unknown): LineResult }> {
  return import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`);
}

/** Run one version's examples against a bundle compiled from that version alone. */
export async function runExamples(rs: RuleSet): Promise<ExampleReport> {
  const engine = await loadBundle(emitBundle([rs], rs.sourceHash).js);
  return runExamplesWith(rs, engine);
}

export function runExamplesWith(rs: RuleSet, engine: Engine): ExampleReport {
  const failed: Diagnostic[] = [];
  const fired = new Set<string>();
  const classified = new Set<string>();
  let failedExamples = 0;
  for (const ex of rs.examples) {
    const before = failed.length;
    const results = engine.validate(ex.lines);
    results.forEach((res, i) => {
      for (const f of res.findings) fired.add(f.rule);
      const line = ex.lines[i] as Record<string, unknown>;
      if (line && typeof line.procedureCode === 'string') {
        const mods = Array.isArray(line.modifiers) ? (line.modifiers as string[]) : [];
        const hit = engine.classify(line.procedureCode, mods.filter((m) => typeof m === 'string'));
        if (hit && res.status !== 'out-of-scope' && res.service !== null) classified.add(hit.combination);
      }
      const want = ex.expect[i];
      if (!want) return;
      const problem = compare(want, res);
      if (problem) failed.push(failure(ex, i, problem));
    });
    if (failed.length > before) failedExamples++;
  }
  return {
    version: rs.guidance.version,
    total: rs.examples.length,
    failedExamples,
    failed,
    rulesNotExercised: rs.rules.filter((r) => !fired.has(r.id)).map((r) => r.id),
    entriesNotExercised: rs.entries.filter((e) => !classified.has(e.combination)).map((e) => e.combination),
  };
}

function failure(ex: Example, i: number, problem: string): Diagnostic {
  const data = ex.place.file.data as { examples: { expect: unknown }[] };
  const many = Array.isArray(data.examples[ex.place.path[1] as number]!.expect);
  const path = many ? [...ex.place.path, 'expect', i] : [...ex.place.path, 'expect'];
  const which = ex.lines.length > 1 ? ` line ${i + 1}` : '';
  return diagnosticAt({ ...ex.place, path }, 'example-failed', `example "${ex.name}"${which}: ${problem}`,
    'fix the rule, or the example if the rule is right');
}

/** Why a result does not meet an expectation, or null when it does. */
export function compare(want: Expectation, got: LineResult): string | null {
  const shown = () => (got.findings.length ? got.findings.map((f) => `${f.category} (${f.rule}): ${f.message}`).join('; ') : 'no findings');
  if (got.status !== want.status) return `expected status ${want.status}, got ${got.status} — ${shown()}`;
  for (const [key, value] of Object.entries(want.fields)) {
    const actual = (got as unknown as Record<string, unknown>)[key];
    if (JSON.stringify(actual) !== JSON.stringify(value)) return `expected ${key} ${JSON.stringify(value)}, got ${JSON.stringify(actual)}`;
  }
  if (want.findings !== null) {
    const left = [...want.findings];
    const extra: string[] = [];
    for (const f of got.findings) {
      const k = left.findIndex((x) => x === f.rule || x === f.category);
      if (k >= 0) left.splice(k, 1);
      else extra.push(f.category);
    }
    if (left.length || extra.length) {
      const parts = [left.length ? `missing ${left.join(', ')}` : '', extra.length ? `unexpected ${extra.join(', ')}` : ''].filter(Boolean);
      return `findings differ: ${parts.join('; ')} — got ${shown()}`;
    }
  }
  return null;
}
