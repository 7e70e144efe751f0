/** The docs page's stylesheet, inlined into the page: screen layout, and a print layout (no navigation, black on white, tables kept whole where they fit). */
export const DOC_STYLE = `
:root { --ink: #1b1f23; --muted: #586069; --rule: #d0d7de; --head: #f3f5f7; --accent: #0b5394; --error: #b42318; --warning: #9a6700; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
header, nav, main { max-width: 1200px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; border-bottom: 3px solid var(--accent); }
h1 { font-size: 1.8em; margin: 0 0 4px; color: var(--accent); }
h2 { font-size: 1.4em; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1.1em; margin: 24px 0 8px; }
h3.program { font-size: 1.25em; color: var(--accent); }
h4 { margin: 12px 0 4px; font-size: 1em; }
.meta { margin: 4px 0; }
.generated, .cite { color: var(--muted); font-size: 0.85em; }
.cite { margin: 2px 0; }
.delivery { margin: 2px 0; font-style: italic; }
nav ol { display: flex; flex-wrap: wrap; gap: 4px 24px; list-style: none; padding: 8px 0; margin: 0; }
nav a { color: var(--accent); text-decoration: none; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 0.92em; }
caption { text-align: left; font-weight: 600; padding: 6px 0; font-size: 1.05em; }
th, td { border: 1px solid var(--rule); padding: 4px 8px; vertical-align: top; text-align: left; }
thead th { background: var(--head); }
td.code { font-weight: 600; white-space: nowrap; }
table.codes { table-layout: fixed; }
table.codes th:nth-child(1) { width: 7%; } table.codes th:nth-child(2) { width: 9%; } table.codes th:nth-child(3) { width: 41%; }
table.codes th:nth-child(4) { width: 9%; } table.codes th:nth-child(5) { width: 12%; } table.codes th:nth-child(6) { width: 13%; } table.codes th:nth-child(7) { width: 9%; }
td { overflow-wrap: anywhere; }
code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--head); padding: 1px 4px; border-radius: 3px; white-space: pre-wrap; }
.rule { border-left: 4px solid var(--rule); padding: 0 0 4px 12px; margin: 16px 0; }
.rule h3 { margin-top: 8px; }
.words { font-size: 1.02em; }
.badge { font-size: 0.75em; padding: 1px 6px; border-radius: 8px; color: #fff; vertical-align: middle; }
.badge.error { background: var(--error); }
.badge.warning { background: var(--warning); }
.category { color: var(--muted); font-weight: normal; font-size: 0.85em; }
table.examples { font-size: 0.85em; }
@media print {
  @page { margin: 14mm 12mm; }
  body { font-size: 10pt; color: #000; }
  nav { display: none; }
  header, main { max-width: none; padding: 0; }
  header { border-bottom: 2px solid #000; }
  h1, h3.program { color: #000; }
  h2 { break-before: page; border-bottom: 1px solid #000; }
  #changes h2 { break-before: auto; }
  h2, h3, h4, caption { break-after: avoid; }
  tr, .words, .message, .source { break-inside: avoid; }
  thead { display: table-header-group; }
  th, td { border-color: #888; }
  thead th, code { background: none; }
  .badge { color: #000; border: 1px solid #000; background: none !important; }
  a { color: #000; text-decoration: none; }
}
`;
