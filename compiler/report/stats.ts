/**
 * The counts of a validate run, gathered one result at a time: by status,
 * finding category, service, edition and month of service, and the most
 * frequent findings with a few example lines. The stderr summary and the
 * HTML run report are both drawn from it; it keeps counts and a bounded
 * number of examples, never the results. Results may be counted in any
 * order (a sharded run counts them shard by shard): the examples are the
 * lines with the smallest indexes, and what is ordered is ordered by the
 * counts, then by names or first appearance, never by when counting happened.
 */
import type { OutputResult } from '../io/output.ts';
import type { Origin } from '../io/items.ts';

/** One line that shows a finding. */
export interface FindingExample {
  index: number;
  claimId: string | null;
  lineNumber: number | null;
  message: string;
  origin?: Origin;
}

/** How often one rule fired, with examples. */
export interface RuleCount {
  rule: string;
  category: string;
  severity: 'error' | 'warning';
  count: number;
  /** The examples with the smallest indexes, in index order. */
  examples: FindingExample[];
  /** Where the rule first fired: the line's index and the finding's place in it (orders rules of equal count). */
  first: [index: number, finding: number];
}

/** Per month of service: lines, and findings by severity. */
export interface MonthCount { lines: number; errors: number; warnings: number }

/** Statuses in the order people read them. */
export const STATUSES = ['accepted', 'rejected', 'out-of-scope', 'invalid'] as const;

/** Lines with no readable service date are counted under this month. */
export const NO_MONTH = '(no date)';

const EXAMPLES_PER_RULE = 3;

/** The counts of one run. */
export class RunStats {
  lines = 0;
  readonly byStatus = new Map<string, number>(STATUSES.map((s) => [s, 0]));
  readonly byCategory = new Map<string, { error: number; warning: number }>();
  readonly byService = new Map<string, number>();
  readonly byEdition = new Map<string, number>();
  readonly byMonth = new Map<string, MonthCount>();
  readonly byRule = new Map<string, RuleCount>();
  /** Faults of the file's structure (837 envelopes) that are not one record. */
  readonly faults: string[] = [];

  /** `detailed`: also count services, editions, months and rules (for the run report); else only what the summary shows. */
  constructor(readonly detailed = true) {}

  /** Count one result; `month` is its month of service (`YYYY-MM`), or null when the line has none. */
  add(r: OutputResult, month: string | null): void {
    this.lines++;
    this.byStatus.set(r.status, (this.byStatus.get(r.status) ?? 0) + 1);
    if (!this.detailed) {
      for (const f of r.findings) {
        let c = this.byCategory.get(f.category);
        if (c === undefined) this.byCategory.set(f.category, (c = { error: 0, warning: 0 }));
        c[f.severity]++;
      }
      return;
    }
    const service = r.service ?? (r.status === 'out-of-scope' ? '(out of scope)' : '(not classified)');
    this.byService.set(service, (this.byService.get(service) ?? 0) + 1);
    const edition = r.guidanceVersion ?? '(none)';
    this.byEdition.set(edition, (this.byEdition.get(edition) ?? 0) + 1);
    const m = month ?? NO_MONTH;
    let mc = this.byMonth.get(m);
    if (mc === undefined) this.byMonth.set(m, (mc = { lines: 0, errors: 0, warnings: 0 }));
    mc.lines++;
    const findings = r.findings;
    for (let k = 0; k < findings.length; k++) {
      const f = findings[k]!;
      let c = this.byCategory.get(f.category);
      if (c === undefined) this.byCategory.set(f.category, (c = { error: 0, warning: 0 }));
      c[f.severity]++;
      if (f.severity === 'error') mc.errors++;
      else mc.warnings++;
      const key = `${f.rule}\u0000${f.severity}`;
      let rc = this.byRule.get(key);
      if (rc === undefined) this.byRule.set(key, (rc = { rule: f.rule, category: f.category, severity: f.severity, count: 0, examples: [], first: [r.index, k] }));
      else if (r.index < rc.first[0]) rc.first = [r.index, k];
      rc.count++;
      const examples = rc.examples;
      if (examples.length < EXAMPLES_PER_RULE || r.index < examples[examples.length - 1]!.index) {
        const example: FindingExample = { index: r.index, claimId: r.claimId, lineNumber: r.lineNumber, message: f.message };
        if (r.origin !== undefined) example.origin = r.origin;
        // A rule fires once per line at most as counted here; keep the smallest indexes, in order.
        let at = examples.length;
        while (at > 0 && examples[at - 1]!.index > r.index) at--;
        examples.splice(at, 0, example);
        if (examples.length > EXAMPLES_PER_RULE) examples.pop();
      }
    }
  }

  /** Lines that were rejected or invalid: they make `validate` exit 1. */
  get failed(): number {
    return (this.byStatus.get('rejected') ?? 0) + (this.byStatus.get('invalid') ?? 0);
  }

  /** The most frequent findings first. */
  topRules(n: number): RuleCount[] {
    return [...this.byRule.values()].sort((a, b) => b.count - a.count || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0) || a.first[0] - b.first[0] || a.first[1] - b.first[1]).slice(0, n);
  }

  /** Categories, most findings first. */
  categories(): [string, { error: number; warning: number }][] {
    return [...this.byCategory.entries()].sort((a, b) => b[1].error + b[1].warning - (a[1].error + a[1].warning) || (a[0] < b[0] ? -1 : 1));
  }
}

/** The month of service of a record (`YYYY-MM`), or null. */
export function monthOf(record: unknown): string | null {
  if (record === null || typeof record !== 'object') return null;
  const d = Object.hasOwn(record, 'serviceDate') ? (record as { serviceDate?: unknown }).serviceDate : undefined;
  return typeof d === 'string' && /^\d{4}-(0[1-9]|1[0-2])-\d{2}$/.test(d) ? d.slice(0, 7) : null;
}

/** The stderr summary: lines and where they went, counts by status and by category, and envelope faults. */
export function summaryText(stats: RunStats, outPath: string | null): string {
  const lines = [`codeguide: ${stats.lines} lines${outPath ? ` → ${outPath}` : ''}`];
  for (const s of STATUSES) lines.push(`  ${s.padEnd(14)}${String(stats.byStatus.get(s) ?? 0).padStart(8)}`);
  const categories = stats.categories();
  if (categories.length > 0) {
    lines.push('findings by category:');
    for (const [c, n] of categories) {
      const kinds = [n.error ? `${n.error} error${n.error === 1 ? '' : 's'}` : '', n.warning ? `${n.warning} warning${n.warning === 1 ? '' : 's'}` : ''].filter(Boolean).join(', ');
      lines.push(`  ${c.padEnd(28)}${kinds}`);
    }
  }
  if (stats.faults.length > 0) {
    lines.push(`file structure: ${stats.faults.length} fault${stats.faults.length === 1 ? '' : 's'} (every readable line was still judged):`);
    for (const f of stats.faults.slice(0, 20)) lines.push(`  ${f}`);
    if (stats.faults.length > 20) lines.push(`  … and ${stats.faults.length - 20} more (see --report)`);
  }
  return `${lines.join('\n')}\n`;
}
