/**
 * The diff for people, laid out like the guidance's Appendix A: a heading per
 * kind of change, catalogue changes under their program, one line per item
 * ("Added G9007 — ECM Multidisciplinary Team Conference: …"), citation-only
 * corrections last. As plain text and as Markdown.
 */
import type { ChangedItem, EditionDiff, FieldChange, SectionDiff } from './diff.ts';
import { isEmptyDiff } from './diff.ts';
import type { Item } from './items.ts';

/** How an added or removed item reads in one line (Markdown when `md`). */
export function itemLine(section: SectionDiff['key'], item: Item, md: boolean): string {
  const f = item.fields;
  const name = md ? `**${mdText(item.label)}**` : item.label;
  const t = (s: string | null) => (s === null ? '' : md ? mdText(s) : s);
  switch (section) {
    case 'entries': {
      const dates = [f['in force from'] ? `in force from ${f['in force from']}` : '', f['retired from'] ? `retired from ${f['retired from']}` : ''].filter(Boolean).join(', ');
      const delivery = f['delivery modifiers'] && f['delivery modifiers'] !== 'none' ? `; also with ${f['delivery modifiers']}` : '';
      return `${name} — ${t(f.service)}: ${t(f.description)} (${t(f.unit)}${dates ? `; ${dates}` : ''}${t(delivery)})`;
    }
    case 'rules': {
      const dates = [f['applies from'] ? `from ${f['applies from']}` : '', f['enforced from'] ? `enforced from ${f['enforced from']}` : ''].filter(Boolean).join(', ');
      const what = item.summary ? t(item.summary) : f.condition ? t(f.condition) : '';
      return `${name} (${t(f.category)}, ${t(f.severity)}${dates ? `; ${dates}` : ''}): ${what}`;
    }
    case 'dates': return `${name}: ${t(f.date)}${f.note ? ` — ${t(f.note)}` : ''}`;
    case 'modifiers': return `${name}: ${t(f.meaning)}`;
    case 'sets': return `${name}: ${t(f.items)}`;
    default: {
      const rest = Object.entries(f).filter(([k, v]) => v !== null && k !== 'cite').map(([k, v]) => `${k} ${t(v)}`).join('; ');
      return `${name}${rest ? `: ${rest}` : ''}`;
    }
  }
}

/** One field's change: "description: "a" → "b"", a list's items as added and removed. */
function changeText(c: FieldChange, md: boolean): string {
  const q = (s: string | null) => (s === null ? '(none)' : md ? `“${mdText(s)}”` : `"${s}"`);
  if (c.field === 'items' && c.before !== null && c.after !== null) {
    const a = c.before.split(', ');
    const b = c.after.split(', ');
    const added = b.filter((x) => !a.includes(x));
    const removed = a.filter((x) => !b.includes(x));
    const parts = [added.length ? `added ${added.join(', ')}` : '', removed.length ? `removed ${removed.join(', ')}` : ''].filter(Boolean);
    if (parts.length) return `items ${parts.join('; ')}`.replace(/\|/g, md ? '\\|' : '|');
  }
  return `${c.field}: ${q(c.before)} → ${q(c.after)}`;
}

/** How a changed item reads in one line: each field's change (Markdown when `md`). */
export function changedLine(item: ChangedItem, md: boolean): string {
  const name = md ? `**${mdText(item.label)}**` : item.label;
  return `${name}: ${item.changes.map((c) => changeText(c, md)).join('; ')}`;
}

/** Items of a list, grouped under their `group` (the program, for entries) when there is more than one group. */
function grouped<T extends { group: string | null }>(items: T[]): [string | null, T[]][] {
  const groups = new Map<string | null, T[]>();
  for (const i of items) groups.set(i.group, [...(groups.get(i.group) ?? []), i]);
  return [...groups];
}

function heading(d: EditionDiff): string {
  return `Changes from ${d.from.guidance} ${d.from.version} to ${d.to.guidance === d.from.guidance ? '' : `${d.to.guidance} `}${d.to.version}`;
}

function subtitle(d: EditionDiff): string {
  return `${d.to.title}, edition ${d.to.version}: published ${d.to.published}, compliance date ${d.to.appliesFrom} (edition ${d.from.version}: published ${d.from.published})`;
}

/** Counts as one sentence: "2 entries added, 1 changed; 3 rules changed; 12 citations changed". */
export function summaryLine(d: EditionDiff): string {
  if (isEmptyDiff(d)) return 'No changes.';
  const parts = d.sections.map((s) => {
    const n = [s.added.length ? `${s.added.length} added` : '', s.removed.length ? `${s.removed.length} removed` : '', s.changed.length ? `${s.changed.length} changed` : ''].filter(Boolean);
    return `${s.title.toLowerCase()}: ${n.join(', ')}`;
  });
  if (d.citations.length) parts.push(`citations: ${d.citations.length} changed`);
  return `${parts.join('; ')}.`;
}

const SECTION_NOUN: Record<string, string> = { entries: 'entry', rules: 'rule', dates: 'date', modifiers: 'modifier', sets: 'set', categories: 'category' };

/** The diff as plain text. */
export function diffText(d: EditionDiff): string {
  const out = [heading(d), subtitle(d), ''];
  for (const s of d.sections) {
    out.push(s.title);
    for (const [kind, list] of [['Added', s.added], ['Removed', s.removed]] as const) {
      if (!list.length) continue;
      out.push(`  ${kind}`);
      for (const [group, items] of grouped(list)) {
        if (group !== null && s.key === 'entries') out.push(`    ${group}`);
        const pad = group !== null && s.key === 'entries' ? '      ' : '    ';
        for (const i of items) out.push(`${pad}- ${itemLine(s.key, i, false)}`);
      }
    }
    if (s.changed.length) {
      out.push('  Changed');
      for (const [group, items] of grouped(s.changed)) {
        if (group !== null && s.key === 'entries') out.push(`    ${group}`);
        const pad = group !== null && s.key === 'entries' ? '      ' : '    ';
        for (const i of items) out.push(`${pad}- ${changedLine(i, false)}`);
      }
    }
    out.push('');
  }
  if (d.citations.length) {
    out.push('Citations (only the citation changed)');
    for (const c of d.citations) out.push(`  - ${SECTION_NOUN[c.section] ?? c.section} ${c.label}: "${c.before ?? '(none)'}" → "${c.after ?? '(none)'}"`);
    out.push('');
  }
  if (d.examples.before !== d.examples.after) out.push(`Examples in the rule files: ${d.examples.before} → ${d.examples.after}`, '');
  out.push(`Summary: ${summaryLine(d)}`);
  return `${out.join('\n')}\n`;
}

/** Text safe inside Markdown prose and table cells. */
export function mdText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/([`*_[\]<>|#])/g, '\\$1').replace(/\r?\n/g, ' ');
}

/** The diff as Markdown. */
export function diffMarkdown(d: EditionDiff): string {
  const out = [`# ${mdText(heading(d))}`, '', `*${mdText(subtitle(d))}*`, ''];
  if (isEmptyDiff(d)) out.push('No changes.', '');
  else {
    out.push('| | added | removed | changed |', '|---|---:|---:|---:|');
    for (const s of d.sections) out.push(`| ${s.title} | ${s.added.length} | ${s.removed.length} | ${s.changed.length} |`);
    if (d.citations.length) out.push(`| Citations only | | | ${d.citations.length} |`);
    out.push('');
  }
  for (const s of d.sections) {
    out.push(`## ${s.title}`, '');
    const block = (kind: string, rows: [string | null, string[]][]) => {
      if (!rows.length) return;
      out.push(`### ${kind}`, '');
      for (const [group, lines] of rows) {
        if (group !== null && s.key === 'entries') out.push(`**${mdText(group)}**`, '');
        for (const l of lines) out.push(`- ${l}`);
        out.push('');
      }
    };
    block('Added', grouped(s.added).map(([g, items]) => [g, items.map((i) => itemLine(s.key, i, true))]));
    block('Removed', grouped(s.removed).map(([g, items]) => [g, items.map((i) => itemLine(s.key, i, true))]));
    block('Changed', grouped(s.changed).map(([g, items]) => [g, items.map((i) => changedLine(i, true))]));
  }
  if (d.citations.length) {
    out.push('## Citations', '', 'Items whose citation alone changed.', '', '| item | before | after |', '|---|---|---|');
    for (const c of d.citations) out.push(`| ${SECTION_NOUN[c.section] ?? c.section} ${mdText(c.label)} | ${mdText(c.before ?? '(none)')} | ${mdText(c.after ?? '(none)')} |`);
    out.push('');
  }
  if (d.examples.before !== d.examples.after) out.push(`Examples in the rule files: ${d.examples.before} → ${d.examples.after}.`, '');
  out.push(`**Summary:** ${mdText(summaryLine(d))}`);
  return `${out.join('\n')}\n`;
}
