/**
 * Rules in plain words, for analysts: a condition read aloud ("units are not
 * whole, or minutes are given and …"), an exclusivity declaration as the
 * guidance says it ("T2040 U6 and T2050 U6 may not be billed for one member on
 * one day"), a banding as its bands. Conditions are read from their source
 * text, so set and date names stay as the analyst wrote them.
 */
import { parseExpression, type Expr } from '../../grammar/index.ts';
import type { Banding, Group, Rule, RuleSet } from '../model.ts';
import { showKey, valueAt } from '../diff/text-of.ts';

/** "placeOfService" → "place of service"; "per15Minutes" → "per 15 minutes". */
export function words(name: string): string {
  return name.replace(/([a-z])([A-Z0-9])/g, '$1 $2').replace(/([0-9])([A-Za-z])/g, '$1 $2').toLowerCase();
}

/** A banding as its bands: "0–7 minutes: 0 units; 8–22: 1; 23–37: 2; then one more unit every 15 minutes". */
export function bandingText(b: Banding): string {
  const bands = b.bands.map((x, i) => `${x.from}–${x.to}${i === 0 ? ' minutes' : ''}: ${x.units}${i === 0 ? ` unit${x.units === 1 ? '' : 's'}` : ''}`);
  return `${bands.join('; ')}${b.every ? `; then one more unit every ${b.every} minutes` : ''}`;
}

/** Who and when a group covers: "one member on one day", "one member (any dates)". */
export function groupWords(g: Group | undefined): string {
  if (!g) return 'one group';
  const who = g.key.map((k) => `one ${words(k).replace(/ id$/, '')}`).join(' and ');
  return g.perDay ? `${who} on one day` : `${who} (on any date)`;
}

/** An exclusivity declaration as the guidance says it. */
export function exclusiveWords(rs: RuleSet, rule: Rule): string {
  const combos = (rule.exclusive?.combinations ?? []).map(showKey);
  const list = combos.length <= 2 ? combos.join(' and ') : `${combos.slice(0, -1).join(', ')} and ${combos[combos.length - 1]}`;
  return `${list} may not be billed${combos.length > 2 ? ' together' : ''} for ${groupWords(rs.groups.get(rule.over ?? ''))}; every line of the conflict gets the finding.`;
}

const BUILTIN: Record<string, string> = {
  record: 'Built in: every input record must have the fields of the record format, each of the right form (see the record format).',
  combination: 'Built in: a line whose code is in this guidance must carry exactly one of the catalogue\'s modifier combinations for that code (plus a delivery modifier where allowed). Codes outside the guidance are out of scope.',
  effective: 'Built in: the combination must be in force on the date of service (its catalogue dates).',
};

/** A rule's condition in plain words, ending with a full stop. */
export function ruleWords(rs: RuleSet, rule: Rule): string {
  if (rule.check) return BUILTIN[rule.check] ?? `Built in: ${rule.check}.`;
  if (rule.exclusive) return exclusiveWords(rs, rule);
  if (!rule.when) return 'Always.';
  const text = valueAt(rule.when.place);
  const parsed = typeof text === 'string' ? parseExpression(text) : null;
  if (!parsed?.expr) return 'A finding when the condition below holds.';
  return `A finding when ${new Reader(rs).cond(parsed.expr)}.`;
}

const COMPARE: Record<string, [string, string]> = {
  '==': ['is', 'is not'], '!=': ['is not', 'is'], '<': ['is less than', 'is not less than'],
  '<=': ['is at most', 'is not at most'], '>': ['is more than', 'is not more than'], '>=': ['is at least', 'is not at least'],
  in: ['is one of', 'is not one of'], 'not in': ['is not one of', 'is one of'],
};

/** Reads an expression aloud; `rs` gives the names of sets, dates, unit bases and groups their meaning. */
class Reader {
  /** Inside an aggregate, "this line's" and "its" (the other line's) tell the two lines apart. */
  private inAggregate = false;

  constructor(private readonly rs: RuleSet) {}

  cond(e: Expr, negated = false): string {
    if (e.kind === 'binary' && (e.op === 'and' || e.op === 'or')) {
      const op = (e.op === 'and') !== negated ? 'and' : 'or';
      const parts = [...this.flatten(e, e.op)].map((x) => this.part(x, negated, e.op));
      return parts.join(op === 'and' ? ', and ' : ', or ');
    }
    if (e.kind === 'unary' && e.op === 'not') return this.cond(e.operand, !negated);
    if (e.kind === 'binary' && COMPARE[e.op]) {
      const subject = this.value(e.left);
      const be = (phrase: string) => (this.plural(e.left) ? phrase.replace(/^is/, 'are') : phrase);
      if ((e.op === '==' || e.op === '!=') && e.right.kind === 'null') return `${subject} ${be((e.op === '!=') !== negated ? 'is given' : 'is not given')}`;
      if ((e.op === '<' || e.op === '>') && (this.isDate(e.left) || this.isDate(e.right))) {
        const word = e.op === '<' ? 'before' : 'after';
        return `${subject} ${be(negated ? `is not ${word}` : `is ${word}`)} ${this.value(e.right)}`;
      }
      const [yes, no] = COMPARE[e.op]!;
      return `${subject} ${be(negated ? no : yes)} ${this.value(e.right)}`;
    }
    if (e.kind === 'call' && e.callee === 'whole') return `${this.value(e.args[0]!)} ${this.plural(e.args[0]!) ? 'are' : 'is'} ${negated ? 'not ' : ''}a whole number`;
    if (e.kind === 'call' && e.callee === 'any' && e.args.length === 2) {
      const [group, pred] = e.args as [Expr, Expr];
      const g = group.kind === 'name' ? this.rs.groups.get(group.name) : undefined;
      const outer = this.inAggregate;
      this.inAggregate = true;
      const text = `${negated ? 'no' : 'another'} line for ${groupWords(g).replace(/^one /, 'the same ').replace(/ on one day$/, ' on the same day')} where ${this.cond(pred)}`;
      this.inAggregate = outer;
      return text;
    }
    if (e.kind === 'name' || e.kind === 'other') {
      const who = e.kind === 'other' ? 'the other line' : this.inAggregate ? 'this line' : 'the line';
      return `${who} ${negated ? 'is not' : 'is'} marked “${words(e.name)}”`;
    }
    return `${this.value(e)} ${negated ? 'is false' : 'is true'}`;
  }

  /** An operand of and/or: a nested and/or of the other kind is bracketed in words. */
  private part(e: Expr, negated: boolean, outer: string): string {
    const inner = this.cond(e, negated);
    return e.kind === 'binary' && (e.op === 'and' || e.op === 'or') && e.op !== outer ? `(${inner})` : inner;
  }

  private *flatten(e: Expr, op: string): Generator<Expr> {
    if (e.kind === 'binary' && e.op === op) {
      yield* this.flatten(e.left, op);
      yield* this.flatten(e.right, op);
    } else yield e;
  }

  private isDate(e: Expr): boolean {
    return e.kind === 'date' || ((e.kind === 'name' || e.kind === 'other') && (/date/i.test(e.name) || this.rs.dates.has(e.name)));
  }

  /** A field whose name is a plural noun ("units", "minutes") takes "are". */
  private plural(e: Expr): boolean {
    return (e.kind === 'name' || e.kind === 'other') && !this.rs.sets.has(e.name) && !this.rs.dates.has(e.name) && /[^s]s$/.test(e.name);
  }

  value(e: Expr): string {
    switch (e.kind) {
      case 'number': return String(e.value);
      case 'string': return this.rs.unitBases.has(e.value) ? `"${this.rs.unitBases.get(e.value)!.label}"` : `"${e.value}"`;
      case 'date': return e.value;
      case 'bool': return e.value ? 'yes' : 'no';
      case 'null': return 'nothing';
      case 'combo': return [e.code, ...e.modifiers].join(' ');
      case 'list': return e.items.map((x) => this.value(x)).join(', ');
      case 'name': {
        const set = this.rs.sets.get(e.name);
        if (set) return `the ${words(e.name)} (${set.items.length > 6 ? `${set.items.slice(0, 6).map(showItem).join(', ')}, …` : set.items.map(showItem).join(', ')})`;
        const date = this.rs.dates.get(e.name);
        if (date) return `${words(e.name)} (${date.date})`;
        return `${this.inAggregate ? "this line's" : 'the'} ${words(e.name)}`;
      }
      case 'other': return `its ${words(e.name)}`;
      case 'unary': return e.op === '-' ? `minus ${this.value(e.operand)}` : `not (${this.cond(e.operand)})`;
      case 'call': {
        if (this.rs.bandings.has(e.callee)) return `the ${words(e.callee)} units for ${this.value(e.args[0]!).replace(/^the /, '')}`;
        if (e.callee === 'whole') return `whether ${this.value(e.args[0]!)} is whole`;
        return `${words(e.callee)}(${e.args.map((x) => this.value(x)).join(', ')})`;
      }
      case 'binary': {
        const op = { '+': 'plus', '-': 'minus', '*': 'times', '/': 'divided by' }[e.op as string];
        return op ? `${this.value(e.left)} ${op} ${this.value(e.right)}` : `(${this.cond(e)})`;
      }
      case 'if': return `${this.value(e.then)} when ${this.cond(e.cond)}, else ${this.value(e.else)}`;
    }
  }
}

function showItem(v: unknown): string {
  return typeof v === 'string' ? showKey(v) : String(v);
}
