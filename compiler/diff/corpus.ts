/**
 * The outcome diff: both editions' bundles judge the same encounter lines,
 * and every line whose status, service or findings differ is listed, with
 * counts by kind of change ("status accepted → rejected", "finding added:
 * not-reportable", "finding not-reportable: warning → error"). Findings are
 * compared by rule and severity; a message whose wording alone changed is not
 * a change of outcome.
 */
import { emitBundle } from '../emit/bundle.ts';
import { loadBundle } from '../examples.ts';
import type { LineResult } from '../interpret.ts';
import type { RuleSet } from '../model.ts';
import { mdText } from './print.ts';

/** What a line came out as: the parts the outcome diff compares. */
export interface Outcome { status: string; service: string | null; findings: { rule: string; severity: string }[] }

/** A line whose outcome differs between the editions. */
export interface OutcomeChange {
  index: number;
  claimId: string | null;
  lineNumber: number | null;
  before: Outcome;
  after: Outcome;
  /** The kinds of change this line shows (each counted once per line). */
  kinds: string[];
}

/** The outcome diff over a corpus. */
export interface CorpusDiff {
  from: string;
  to: string;
  /** Lines judged. */
  total: number;
  changed: OutcomeChange[];
  /** Lines per kind of change, most first. */
  counts: { kind: string; lines: number }[];
}

function outcome(r: LineResult): Outcome {
  return { status: r.status, service: r.service, findings: r.findings.map((f) => ({ rule: f.rule, severity: f.severity })) };
}

/** The kinds of change between two outcomes of one line (empty when the outcome is the same). */
export function changeKinds(a: Outcome, b: Outcome): string[] {
  const kinds: string[] = [];
  if (a.status !== b.status) kinds.push(`status ${a.status} → ${b.status}`);
  if (a.service !== b.service) kinds.push('service changed');
  const sev = (o: Outcome) => {
    const m = new Map<string, string[]>();
    for (const f of o.findings) m.set(f.rule, [...(m.get(f.rule) ?? []), f.severity].sort());
    return m;
  };
  const sa = sev(a);
  const sb = sev(b);
  for (const [rule, s] of sb) {
    const old = sa.get(rule);
    if (!old) kinds.push(`finding added: ${rule}`);
    else if (old.join() !== s.join()) kinds.push(`finding ${rule}: ${old.join(', ')} → ${s.join(', ')}`);
  }
  for (const rule of sa.keys()) if (!sb.has(rule)) kinds.push(`finding removed: ${rule}`);
  return kinds;
}

/** Compare two editions' results for the same lines (same length, same order). */
export function compareOutcomes(before: readonly LineResult[], after: readonly LineResult[], from: string, to: string): CorpusDiff {
  const changed: OutcomeChange[] = [];
  const counts = new Map<string, number>();
  for (let i = 0; i < after.length; i++) {
    const a = outcome(before[i]!);
    const b = outcome(after[i]!);
    const kinds = changeKinds(a, b);
    if (!kinds.length) continue;
    for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
    changed.push({ index: i, claimId: after[i]!.claimId, lineNumber: after[i]!.lineNumber, before: a, after: b, kinds });
  }
  return {
    from, to, total: after.length, changed,
    counts: [...counts].map(([kind, lines]) => ({ kind, lines })).sort((x, y) => y.lines - x.lines || (x.kind < y.kind ? -1 : 1)),
  };
}

interface Runner { add(line: unknown): void; finish(): LineResult[] }

/** Judge the records with each edition's compiled bundle and compare the outcomes. */
export async function corpusDiff(a: RuleSet, b: RuleSet, records: AsyncIterable<unknown> | Iterable<unknown>): Promise<CorpusDiff> {
  const [ea, eb] = await Promise.all([a, b].map(async (rs) => (await loadBundle(emitBundle([rs], rs.sourceHash).js)) as unknown as { createValidator(): Runner }));
  const ra = ea!.createValidator();
  const rb = eb!.createValidator();
  for await (const record of records) {
    ra.add(record);
    rb.add(record);
  }
  return compareOutcomes(ra.finish(), rb.finish(), a.guidance.version, b.guidance.version);
}

function showOutcome(o: Outcome): string {
  const findings = o.findings.map((f) => `${f.rule} (${f.severity})`).join(', ');
  return `${o.status}${o.service ? ` as ${o.service}` : ''}${findings ? `: ${findings}` : ''}`;
}

function whichLine(c: OutcomeChange): string {
  return `line ${c.index + 1}${c.claimId !== null ? ` (claim ${c.claimId}${c.lineNumber !== null ? ` line ${c.lineNumber}` : ''})` : ''}`;
}

/** The outcome diff as plain text: the counts, then every line that changes. */
export function corpusText(d: CorpusDiff, input: string): string {
  const out = [`Outcome over ${input}: ${d.changed.length} of ${d.total} lines change from ${d.from} to ${d.to}`];
  const width = Math.max(0, ...d.counts.map((c) => c.kind.length)) + 2;
  for (const c of d.counts) out.push(`  ${c.kind.padEnd(width)}${String(c.lines).padStart(8)}`);
  if (d.changed.length) out.push('', 'Lines whose outcome changes:');
  for (const c of d.changed) out.push(`  ${whichLine(c)}: ${showOutcome(c.before)}  →  ${showOutcome(c.after)}`);
  return `${out.join('\n')}\n`;
}

/** The outcome diff as Markdown. */
export function corpusMarkdown(d: CorpusDiff, input: string): string {
  const out = [`## Outcome over ${mdText(input)}`, '', `${d.changed.length} of ${d.total} lines change from ${mdText(d.from)} to ${mdText(d.to)}.`, ''];
  if (d.counts.length) {
    out.push('| change | lines |', '|---|---:|');
    for (const c of d.counts) out.push(`| ${mdText(c.kind)} | ${c.lines} |`);
    out.push('');
  }
  if (d.changed.length) {
    out.push('| line | claim | before | after |', '|---:|---|---|---|');
    for (const c of d.changed) {
      out.push(`| ${c.index + 1} | ${mdText(`${c.claimId ?? ''}${c.lineNumber !== null ? ` / ${c.lineNumber}` : ''}`)} | ${mdText(showOutcome(c.before))} | ${mdText(showOutcome(c.after))} |`);
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
