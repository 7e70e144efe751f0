/**
 * How the parts of a checked rule set read as text, for the diff and the
 * docs: combinations as the guidance writes them ("T2040 U6"), day numbers
 * as dates, conditions and message templates as their canonical source text.
 * The source text is read from the rule file that defined the item; an
 * expression with no source (a default message) is printed from its IR.
 */
import { parseExpression, printExpr } from '../../grammar/index.ts';
import { quote } from '../../grammar/print.ts';
import { formatDay } from '../../runtime/record.js';
import type { IR, Rule, RuleSet, Template } from '../model.ts';
import type { Place } from '../source.ts';

/** The name of the edition an edition extends (or supersedes), or null. */
export function baseName(rs: RuleSet): string | null {
  const g = rs.guidance as unknown as { extends?: unknown; supersedes?: unknown };
  const name = g.extends ?? g.supersedes;
  return typeof name === 'string' ? name : null;
}

/** A code and its defining modifiers as the guidance's tables write them: "T2040 U6", "G9007". */
export function showCombination(code: string, modifiers: readonly string[]): string {
  return [code, ...modifiers].join(' ');
}

/** A combination key ("T2040:U6") as the guidance writes it ("T2040 U6"). */
export function showKey(key: string): string {
  return key.split(':').join(' ');
}

/** A day number as YYYY-MM-DD, or null. */
export function dayText(day: number | null): string | null {
  return day === null ? null : formatDay(day);
}

/** A day number as YYYY-MM-DD, with the name of the rule set's date that has that day when there is one. */
export function namedDayText(rs: RuleSet, day: number | null): string | null {
  if (day === null) return null;
  const named = [...rs.dates.values()].find((d) => d.day === day);
  return named ? `${formatDay(day)} (${named.name})` : formatDay(day);
}

/** The value a place holds in its file's data (the YAML as written, parsed), or undefined. */
export function valueAt(place: Place): unknown {
  let v: unknown = place.file.data;
  for (const step of place.path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[step];
  }
  return v;
}

/** The canonical text of an expression written at `place`; null when the place holds no parsable expression. */
export function sourceExpr(place: Place): string | null {
  const text = valueAt(place);
  if (typeof text !== 'string') return null;
  const parsed = parseExpression(text);
  return parsed.expr ? printExpr(parsed.expr) : null;
}

/** A rule's condition as canonical source text (an exclusivity declaration as written), or null for a built-in check. */
export function conditionText(rule: Rule): string | null {
  if (rule.exclusive) return `exclusive [${rule.exclusive.combinations.join(', ')}] over ${rule.over ?? '?'}`;
  if (!rule.when) return null;
  return sourceExpr(rule.when.place) ?? irText(rule.when.ir);
}

/**
 * Where a field of an entry or rule was written: an edition that changes the field points into its own
 * file (`fieldPlaces`); otherwise the field sits below the item's own place.
 */
export function fieldPlace(item: { place: Place; fieldPlaces?: ReadonlyMap<string, Place> }, field: string): Place {
  return item.fieldPlaces?.get(field) ?? { ...item.place, path: [...item.place.path, field] };
}

/** A rule's message template as written, or printed from its parts when the rule gives none (the default message). */
export function messageText(rule: Rule): string {
  const written = valueAt(fieldPlace(rule as Rule & { fieldPlaces?: ReadonlyMap<string, Place> }, 'message'));
  return typeof written === 'string' ? written : templateText(rule.message);
}

/** A resolved message template as text: literal parts, and `{expression}` parts printed from their IR. */
export function templateText(t: Template): string {
  return t.map((p) => ('text' in p ? p.text : `{${irText(p.expr)}}`)).join('');
}

const OPS: Record<string, string> = {
  and: 'and', or: 'or', eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=', in: 'in', add: '+', sub: '-', mul: '*', div: '/',
};

/** An IR tree as expression text (sets appear as the lists they resolved to; dates as YYYY-MM-DD). */
export function irText(ir: IR): string {
  switch (ir.k) {
    case 'const': return constText(ir.v, ir.type.base === 'date' || ir.type.of?.base === 'date', ir.type.base === 'code' || ir.type.of?.base === 'code');
    case 'field': return ir.of === 'other' ? `other.${ir.name}` : ir.name;
    case 'not': return `not (${irText(ir.x)})`;
    case 'neg': return `-(${irText(ir.x)})`;
    case 'list': return `[${ir.items.map(irText).join(', ')}]`;
    case 'if': return `if ${irText(ir.cond)} then ${irText(ir.then)} else ${irText(ir.else)}`;
    case 'band': return `${ir.banding}(${irText(ir.x)})`;
    case 'any': case 'count': return `${ir.k}(${ir.group}, ${irText(ir.pred)})`;
    case 'sum': return `sum(${ir.group}, ${irText(ir.x)})`;
  }
  // Functions of one value (whole, floor, ...) and binary operators.
  if ('x' in ir) return `${ir.k}(${irText(ir.x)})`;
  if ('a' in ir) return `(${irText(ir.a)} ${OPS[ir.k] ?? ir.k} ${irText(ir.b)})`;
  return '?';
}

function constText(v: unknown, date: boolean, code: boolean): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map((x) => constText(x, date, code)).join(', ')}]`;
  if (typeof v === 'number') return date ? formatDay(v) : String(v);
  if (typeof v === 'string') return code ? v : quote(v);
  return String(v);
}
