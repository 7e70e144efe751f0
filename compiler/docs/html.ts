/**
 * The docs page as one self-contained HTML file: no scripts, no external
 * assets (a Content-Security-Policy forbids loading any), inline CSS with a
 * print stylesheet. Every text from the rule files is HTML-escaped.
 */
import type { EditionDiff } from '../diff/diff.ts';
import { changedLine, itemLine, summaryLine } from '../diff/print.ts';
import { bandingText, groupWords } from './words.ts';
import { baseName } from '../diff/text-of.ts';
import type { EditionView, ExampleView, RuleView } from './view.ts';
import { DOC_STYLE } from './style.ts';

/** Text safe in HTML content and in double-quoted attributes. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** An id from any text: letters, digits and dashes only. */
export function slug(prefix: string, s: string): string {
  return `${prefix}-${s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
}

const cite = (c: string | null) => (c ? `<p class="cite">Cite: ${esc(c)}</p>` : '');

function examplesHtml(examples: ExampleView[], heading: string): string {
  if (!examples.length) return '';
  const rows = examples.flatMap((ex) => ex.lines.map((l, i) => `<tr>${i === 0 ? `<td rowspan="${ex.lines.length}">${esc(ex.name)}${ex.cite ? `<div class="cite">${esc(ex.cite)}</div>` : ''}</td>` : ''}<td>${esc(l.line)}</td><td>${esc(l.expect)}</td></tr>`));
  return `<table class="examples"><caption>${esc(heading)}</caption><thead><tr><th>example</th><th>line</th><th>expected</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function ruleHtml(r: RuleView): string {
  return `<section class="rule" id="${slug('rule', r.id)}">
<h3>${esc(r.id)} <span class="badge ${r.severity === 'error' ? 'error' : 'warning'}">${esc(r.severity)}</span> <span class="category">${esc(r.category)}</span></h3>
<p class="words">${esc(r.words)}</p>
${r.condition ? `<p class="source">Condition as written: <code>${esc(r.condition)}</code></p>` : ''}
${r.message ? `<p class="message">Finding: “${esc(r.message)}”</p>` : ''}
${r.dates.length ? `<p class="dates">Dates: ${esc(r.dates.join('; '))}.</p>` : ''}
${cite(r.cite)}
${examplesHtml(r.examples, `Examples of ${r.id}`)}
</section>`;
}

/** The changes from the base edition, as sections of lists. */
export function changesHtml(d: EditionDiff): string {
  const parts = [`<p>${esc(summaryLine(d))}</p>`];
  for (const s of d.sections) {
    const list = (kind: string, lines: string[]) => (lines.length ? `<h4>${kind}</h4><ul>${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>` : '');
    parts.push(`<h3>${esc(s.title)}</h3>`, list('Added', s.added.map((i) => itemLine(s.key, i, false))), list('Removed', s.removed.map((i) => itemLine(s.key, i, false))), list('Changed', s.changed.map((i) => changedLine(i, false))));
  }
  if (d.citations.length) {
    parts.push('<h3>Citations</h3><table><thead><tr><th>item</th><th>before</th><th>after</th></tr></thead><tbody>',
      ...d.citations.map((c) => `<tr><td>${esc(c.label)}</td><td>${esc(c.before ?? '(none)')}</td><td>${esc(c.after ?? '(none)')}</td></tr>`), '</tbody></table>');
  }
  return parts.join('\n');
}

function tablesHtml(v: EditionView): string {
  return v.tables.map((p) => `<h3 class="program">${esc(p.program)}</h3>
${p.services.map((s) => `<table class="codes"><caption>${esc(s.service)}</caption>
<thead><tr><th>code</th><th>modifiers</th><th>description</th><th>unit</th><th>attributes</th><th>dates</th><th>telehealth</th></tr></thead>
<tbody>${s.rows.map((r) => `<tr class="entry" id="${slug('entry', r.combination)}" data-combination="${esc(r.combination)}"><td class="code">${esc(r.code)}</td><td>${esc(r.modifiers)}</td><td>${esc(r.description)}${r.byDelivery.map(([d, text]) => `<div class="delivery">${esc(d)}: ${esc(text)}</div>`).join('')}<div class="cite">${esc(r.cite)}</div></td><td>${esc(r.unit)}</td><td>${r.attributes.map(([k, x]) => `${esc(k)}: ${esc(x)}`).join('<br>')}</td><td>${esc(r.dates)}</td><td>${esc(r.telehealth)}</td></tr>`).join('\n')}</tbody></table>`).join('\n')}`).join('\n');
}

function definitionsHtml(v: EditionView): string {
  const rs = v.rs;
  const table = (caption: string, head: string[], rows: string[][]) => (rows.length
    ? `<table><caption>${esc(caption)}</caption><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`
    : '');
  return [
    table('Dates', ['name', 'date', 'note', 'cite'], [...rs.dates.values()].map((d) => [d.name, d.date, d.note, d.cite ?? ''])),
    table('Modifiers', ['modifier', 'meaning', 'cite'], [...rs.modifiers].map(([n, m]) => [n, m.meaning, m.cite ?? ''])),
    table('Delivery', ['modifier', 'delivery'], [['(none)', rs.delivery.default], ...[...rs.delivery.modifiers].map(([m, d]) => [m, d])]),
    table('Sets', ['name', 'items', 'cite'], [...rs.sets.values()].map((s) => [s.name, s.items.map(String).join(', '), s.cite ?? ''])),
    table('Unit bases', ['name', 'label', 'cite'], [...rs.unitBases.values()].map((u) => [u.name, u.label, u.cite ?? ''])),
    table('Bandings (minutes to units)', ['name', 'bands', 'cite'], [...rs.bandings.values()].map((b) => [b.name, bandingText(b), b.cite ?? ''])),
    table('Groups (how cross-line rules see other lines)', ['name', 'covers', 'description'], [...rs.groups.values()].map((g) => [g.name, groupWords(g), g.description])),
    table('Finding categories', ['category', 'severity', 'description'], [...rs.categories].map(([n, c]) => [n, c.severity, c.description])),
    table('Attributes', ['name', 'type', 'values', 'shown in results', 'description'], [...rs.attributes.values()].map((a) => [a.name, a.type, a.values?.join(', ') ?? '', a.result ? 'yes' : 'no', a.description])),
  ].join('\n');
}

/** The whole page. */
export function docsHtml(v: EditionView): string {
  const g = v.rs.guidance;
  const base = baseName(v.rs);
  const entries = v.tables.reduce((n, p) => n + p.services.reduce((m, s) => m + s.rows.length, 0), 0);
  const changes = v.changes
    ? changesHtml(v.changes)
    : v.missingBase ? `<p>This edition extends ${esc(v.missingBase)}, which is not in this folder, so its changes cannot be listed.</p>` : '<p>This edition extends no other: it is complete in itself.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(g.title)} — edition ${esc(g.version)}</title>
<style>${DOC_STYLE}</style>
</head>
<body>
<header>
<h1>${esc(g.title)}</h1>
<p class="meta">Edition <strong>${esc(g.version)}</strong> · published ${esc(g.published)} · compliance date ${esc(g.appliesFrom)}${base ? ` · extends ${esc(base)}` : ''} · ${entries} code combinations · ${v.rules.length} rules · ${v.rs.examples.length} examples</p>
${cite(g.cite)}
<p class="generated">Generated by codeguide from the rule files of ${esc(g.id)} ${esc(g.version)} (source ${esc(v.rs.sourceHash.slice(0, 12))}). Edit the rule files, not this page.</p>
</header>
<nav><ol><li><a href="#changes">Changes in this edition</a></li><li><a href="#codes">Code tables</a></li><li><a href="#rules">Rules</a></li><li><a href="#definitions">Definitions</a></li><li><a href="#examples">Other examples</a></li></ol></nav>
<main>
<section id="changes"><h2>Changes in this edition${v.changes ? ` (from ${esc(v.changes.from.version)})` : ''}</h2>
${changes}
</section>
<section id="codes"><h2>Code tables</h2>
<p>Each line of an encounter is one of these code and modifier combinations; any other combination of these codes is an error, and codes not listed here are out of scope.${v.rs.delivery.modifiers.size ? ` A delivery modifier (${esc([...v.rs.delivery.modifiers].map(([m, d]) => `${m}: ${d}`).join(', '))}) may be added where the telehealth column says so.` : ''}</p>
${tablesHtml(v)}
</section>
<section id="rules"><h2>Rules</h2>
${v.rules.map(ruleHtml).join('\n')}
</section>
<section id="definitions"><h2>Definitions</h2>
${definitionsHtml(v)}
</section>
<section id="examples"><h2>Other examples</h2>
<p>Examples whose lines get no finding: combinations used as the guidance intends, and codes outside it.</p>
${examplesHtml(v.otherExamples, 'Examples with no findings')}
</section>
</main>
</body>
</html>
`;
}
