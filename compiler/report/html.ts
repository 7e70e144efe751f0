/**
 * The run report of `validate --report FILE.html`: one self-contained page
 * (inline CSS and SVG, no script, no external asset) for operations staff —
 * counts by status, category, service, edition and month of service, the
 * most frequent findings with example lines (and their 837 origin), and a
 * chart of findings by month. Every piece of input text is HTML-escaped.
 */
import type { Origin } from '../io/items.ts';
import { NO_MONTH, STATUSES, type RunStats } from './stats.ts';

/** What the report says about the run besides the counts. */
export interface RunInfo {
  input: string;
  format: string;
  /** The bundle's guidance id, title and versions. */
  guidance: string;
  title: string;
  versions: readonly string[];
  outPath: string | null;
  seconds: number;
}

/** Text made safe for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const n = (x: number): string => x.toLocaleString('en-US');
const pct = (x: number, of: number): string => (of === 0 ? '0%' : `${((100 * x) / of).toFixed(x === of || x === 0 ? 0 : 1)}%`);

/** Where an 837 line is: `ISA 000000001 · GS 1 · ST 0001 · CLM C1 · LX 1 · segment 20`. */
export function originText(o: Origin): string {
  return [`${o.file}`, `ISA ${o.interchange ?? '?'}`, `GS ${o.group ?? '?'}`, `ST ${o.transaction ?? '?'}`, `CLM ${o.claim ?? '?'}`, `LX ${o.line ?? '?'}`, `segment ${o.segment}`].join(' · ');
}

function table(caption: string, head: string[], rows: (string | number)[][], numeric: boolean[]): string {
  const th = head.map((h, i) => `<th${numeric[i] ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  const body = rows.length === 0
    ? `<tr><td colspan="${head.length}" class="none">none</td></tr>`
    : rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric[i] ? ' class="num"' : ''}>${typeof c === 'number' ? n(c) : escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

function sortedByCount(m: Map<string, number>): [string, number][] {
  return [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

/** Months in order, the undated ones last. */
function months(stats: RunStats): string[] {
  return [...stats.byMonth.keys()].sort((a, b) => (a === NO_MONTH ? 1 : b === NO_MONTH ? -1 : a < b ? -1 : a > b ? 1 : 0));
}

/** Findings by month of service as an inline SVG bar chart (errors and warnings stacked). */
export function monthChart(stats: RunStats): string {
  const ms = months(stats).filter((m) => m !== NO_MONTH);
  const W = 880;
  const H = 260;
  const left = 56;
  const bottom = 48;
  const top = 16;
  if (ms.length === 0) return '<p class="none">No dated lines to chart.</p>';
  const max = Math.max(1, ...ms.map((m) => { const c = stats.byMonth.get(m)!; return c.errors + c.warnings; }));
  const step = niceStep(max);
  const scaleMax = Math.ceil(max / step) * step;
  const plotH = H - top - bottom;
  const slot = (W - left - 8) / ms.length;
  const barW = Math.max(2, Math.min(48, slot * 0.7));
  const y = (v: number): number => top + plotH - (v / scaleMax) * plotH;
  const parts: string[] = [];
  for (let v = 0; v <= scaleMax; v += step) {
    parts.push(`<line x1="${left}" x2="${W - 8}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/>`);
    parts.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" class="axis">${n(v)}</text>`);
  }
  const labelEvery = Math.ceil(ms.length / 18);
  ms.forEach((m, i) => {
    const c = stats.byMonth.get(m)!;
    const x = left + i * slot + (slot - barW) / 2;
    const label = `${m}: ${n(c.errors)} error${c.errors === 1 ? '' : 's'}, ${n(c.warnings)} warning${c.warnings === 1 ? '' : 's'} in ${n(c.lines)} lines`;
    parts.push(`<g><title>${escapeHtml(label)}</title>`);
    if (c.errors > 0) parts.push(`<rect x="${x.toFixed(1)}" y="${y(c.errors).toFixed(1)}" width="${barW.toFixed(1)}" height="${(y(0) - y(c.errors)).toFixed(1)}" class="err"/>`);
    if (c.warnings > 0) parts.push(`<rect x="${x.toFixed(1)}" y="${y(c.errors + c.warnings).toFixed(1)}" width="${barW.toFixed(1)}" height="${(y(c.errors) - y(c.errors + c.warnings)).toFixed(1)}" class="warn"/>`);
    parts.push('</g>');
    if (i % labelEvery === 0) parts.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${H - bottom + 16}" text-anchor="middle" class="axis">${escapeHtml(m)}</text>`);
  });
  parts.push(`<rect x="${left}" y="${H - 18}" width="12" height="12" class="err"/><text x="${left + 18}" y="${H - 8}" class="axis">errors</text>`);
  parts.push(`<rect x="${left + 80}" y="${H - 18}" width="12" height="12" class="warn"/><text x="${left + 98}" y="${H - 8}" class="axis">warnings</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="Findings by month of service">${parts.join('')}</svg>`;
}

function niceStep(max: number): number {
  const rough = max / 5;
  const p = 10 ** Math.floor(Math.log10(rough));
  for (const m of [1, 2, 5, 10]) if (m * p >= rough) return Math.max(1, m * p);
  return Math.max(1, 10 * p);
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2430;margin:0;background:#f5f6f8}
main{max-width:960px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}
.sub{color:#5a6473;margin:0 0 18px}
.cards{display:grid;grid-template-columns:repeat(5,1fr);gap:10px}
.card{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:12px}
.card b{display:block;font-size:22px}.card span{color:#5a6473;font-size:12px}
.card.rejected b,.card.invalid b{color:#b42318}.card.accepted b{color:#1a7f37}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:16px}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #dde1e7;border-radius:8px;overflow:hidden}
caption{text-align:left;font-weight:600;padding:6px 0}
th,td{padding:6px 10px;border-bottom:1px solid #eef0f3;text-align:left;vertical-align:top}
th{background:#f0f2f5;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.none{color:#8a93a0;text-align:center}
.chart{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:8px}
.chart .grid{stroke:#e6e9ee}.chart .axis{font-size:11px;fill:#5a6473}
.chart .err{fill:#d1453b}.chart .warn{fill:#e5a50a}
.finding{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:10px 12px;margin-bottom:10px}
.finding h3{font-size:14px;margin:0 0 6px}.sev{font-size:11px;padding:1px 6px;border-radius:9px;margin-left:6px}
.sev.error{background:#fde4e1;color:#b42318}.sev.warning{background:#fdf1d3;color:#8a5a00}
.finding ul{margin:0;padding-left:18px}.finding li{margin:3px 0}.origin{color:#5a6473;font-size:12px;display:block}
.faults{background:#fff4e5;border:1px solid #f0c36d;border-radius:8px;padding:8px 12px}
footer{color:#8a93a0;font-size:12px;margin-top:28px}
`;

/** The whole report page. */
export function renderReport(stats: RunStats, info: RunInfo): string {
  const total = stats.lines;
  const cards = STATUSES.map((s) => `<div class="card ${s}"><b>${n(stats.byStatus.get(s) ?? 0)}</b><span>${escapeHtml(s)} · ${pct(stats.byStatus.get(s) ?? 0, total)}</span></div>`).join('');
  const categories = stats.categories().map(([c, k]) => [c, k.error, k.warning, k.error + k.warning]);
  const services = sortedByCount(stats.byService).map(([s, c]) => [s, c, pct(c, total)]);
  const editions = sortedByCount(stats.byEdition).map(([s, c]) => [s, c, pct(c, total)]);
  const monthRows = months(stats).map((m) => { const c = stats.byMonth.get(m)!; return [m, c.lines, c.errors, c.warnings]; });
  const top = stats.topRules(15).map((r) => {
    const examples = r.examples.map((e) => `<li>index ${n(e.index)}${e.claimId !== null ? ` · claim ${escapeHtml(e.claimId)}` : ''}${e.lineNumber !== null ? ` · line number ${n(e.lineNumber)}` : ''}: ${escapeHtml(e.message)}${e.origin ? `<span class="origin">${escapeHtml(originText(e.origin))}</span>` : ''}</li>`).join('');
    return `<div class="finding"><h3>${escapeHtml(r.rule)} <span class="sev ${r.severity}">${escapeHtml(r.severity)}</span>${r.category === r.rule ? '' : ` — ${escapeHtml(r.category)}`} · ${n(r.count)} line${r.count === 1 ? '' : 's'}</h3><ul>${examples}</ul></div>`;
  }).join('\n');
  const faults = stats.faults.length === 0 ? '' : `<h2>File structure</h2><div class="faults"><p>${n(stats.faults.length)} fault${stats.faults.length === 1 ? '' : 's'} in the file's structure; every readable line was still judged.</p><ul>${stats.faults.slice(0, 200).map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul></div>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Run report — ${escapeHtml(info.input)}</title><style>${CSS}</style></head>
<body><main>
<h1>Run report — ${escapeHtml(info.input)}</h1>
<p class="sub">${escapeHtml(info.title)} (${escapeHtml(info.guidance)}, edition${info.versions.length === 1 ? '' : 's'} ${escapeHtml(info.versions.join(', '))}) · ${escapeHtml(info.format === 'x12' ? 'X12 837' : info.format === 'csv' ? 'CSV' : 'JSON Lines')} · ${n(total)} lines in ${info.seconds.toFixed(1)} s${info.outPath ? ` · results in ${escapeHtml(info.outPath)}` : ''}</p>
<div class="cards">${cards}<div class="card"><b>${n(total)}</b><span>lines</span></div></div>
${faults}
<h2>Findings by month of service</h2>
<div class="chart">${monthChart(stats)}</div>
<h2>Most frequent findings</h2>
${top === '' ? '<p class="none">No findings.</p>' : top}
<h2>Counts</h2>
${table('By finding category', ['category', 'errors', 'warnings', 'total'], categories, [false, true, true, true])}
<div class="grid2" style="margin-top:16px">
${table('By service', ['service', 'lines', 'share'], services, [false, true, true])}
<div>${table('By edition', ['edition', 'lines', 'share'], editions, [false, true, true])}
<div style="height:16px"></div>
${table('By status', ['status', 'lines', 'share'], STATUSES.map((s) => [s, stats.byStatus.get(s) ?? 0, pct(stats.byStatus.get(s) ?? 0, total)]), [false, true, true])}</div>
</div>
<div style="height:16px"></div>
${table('By month of service', ['month', 'lines', 'errors', 'warnings'], monthRows, [false, true, true, true])}
<footer>Generated by codeguide validate.</footer>
</main></body></html>
`;
}
