/** Semantic checks of rules, citations, message templates and example expectations. */
import { didYouMean, type Diagnostic } from '../diagnostics.ts';
import type { PendingExpr, RuleSet } from '../model.ts';
import { diagnosticAt, type Place } from '../source.ts';

type LoadedRules = RuleSet<PendingExpr>;

export function checkRules(rs: LoadedRules): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ids = new Map<string, Place>();
  const checks = new Set<string>();
  for (const r of rs.rules) {
    const at = (key: string, isKey = false): Place => ({ ...r.place, path: [...r.place.path, key], key: isKey });
    const first = ids.get(r.id);
    if (first) out.push(diagnosticAt(at('id'), 'duplicate-name', `rule id "${r.id}" is already used in ${first.file.path}`, 'give each rule its own id'));
    else ids.set(r.id, r.place);
    if (!rs.categories.has(r.category)) {
      out.push(diagnosticAt(at('category'), 'unknown-category', `category "${r.category}" is not declared`, didYouMean(r.category, rs.categories.keys(), 'declare it under categories')));
    }
    const forms = [r.check !== null && 'check', r.when !== null && 'when', r.exclusive !== null && 'exclusive'].filter((x): x is string => x !== false);
    if (forms.length === 0) {
      out.push(diagnosticAt({ ...r.place }, 'missing-key', `rule ${r.id} has neither "when", "exclusive" nor "check"`, 'add when: <condition>, exclusive: [A, B] (with over: <group>), or check: record | combination | effective'));
    } else if (forms.length > 1) {
      out.push(diagnosticAt(at(forms[1]!, true), 'bad-value', `rule ${r.id} has both "${forms[0]}" and "${forms[1]}"`, `a rule says one of them: remove "${forms[1]}"`));
    } else if (r.exclusive !== null && r.over === null) {
      out.push(diagnosticAt(at('exclusive', true), 'missing-key', `rule ${r.id} declares exclusive combinations but no group`, 'add over: <group>, e.g. over: memberDay'));
    }
    if (r.check !== null) {
      if (checks.has(r.check)) out.push(diagnosticAt(at('check'), 'duplicate-name', `another rule already performs check "${r.check}"`, 'keep one rule per built-in check'));
      checks.add(r.check);
    }
    if (r.over !== null && !rs.groups.has(r.over)) {
      out.push(diagnosticAt(at('over'), 'unknown-group', `"${r.over}" is not a declared group`, didYouMean(r.over, rs.groups.keys(), 'declare it under groups')));
    }
    if (r.cite === null) out.push(diagnosticAt(at('id', true), 'missing-citation', `rule ${r.id} has no citation`, 'add cite: "<section, table or footnote of the guidance>"'));
  }
  const missing = ['record', 'combination', 'effective'].filter((c) => !checks.has(c));
  if (missing.length > 0) {
    // Point at the rules section if there is one, else at the guidance section.
    const where: Place = rs.rules.length > 0 ? { file: rs.rules[0]!.place.file, path: ['rules'], key: true } : { ...rs.guidance.place, key: true };
    const list = missing.join(', ');
    out.push(diagnosticAt(where, 'missing-key', `no rule performs the built-in check${missing.length > 1 ? 's' : ''} ${list}`,
      `add one rule per check, e.g. - { id: invalid-record, check: record, category: invalid-record, cite: "..." } (missing: ${list})`));
  }
  return out;
}

export function checkCitations(rs: Pick<RuleSet, 'entries' | 'sets' | 'bandings' | 'dates'>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const missing = (place: Place, what: string) =>
    out.push(diagnosticAt({ ...place, key: place.path.length > 0 && typeof place.path[place.path.length - 1] === 'string' }, 'missing-citation', `${what} has no citation`, 'add cite: "<section, table or footnote of the guidance>"'));
  for (const e of rs.entries) if (e.cite === null) missing(e.place, `catalogue entry ${e.combination}`);
  for (const s of rs.sets.values()) if (s.cite === null) missing(s.place, `set ${s.name}`);
  for (const b of rs.bandings.values()) if (b.cite === null) missing(b.place, `banding ${b.name}`);
  for (const d of rs.dates.values()) if (d.cite === null) missing(d.place, `date ${d.name}`);
  return out;
}

/** Fields an example may expect: the result's, with the attributes the rule set shows in results. */
export function resultFields(rs: Pick<LoadedRules, 'attributes'>): string[] {
  return ['program', 'service', 'delivery', ...[...rs.attributes.values()].filter((a) => a.result).map((a) => a.name), 'billableUnits'];
}

export function checkExampleReferences(rs: Pick<LoadedRules, 'examples' | 'rules' | 'categories' | 'attributes'>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const known = new Set([...rs.rules.map((r) => r.id), ...rs.categories.keys()]);
  const fields = resultFields(rs);
  for (const ex of rs.examples) {
    const many = Array.isArray((ex.place.file.data as { examples: { expect: unknown }[] }).examples[ex.place.path[1] as number]!.expect);
    ex.expect.forEach((x, i) => {
      for (const key of Object.keys(x.fields)) {
        if (fields.includes(key)) continue;
        const path = many ? [...ex.place.path, 'expect', i, key] : [...ex.place.path, 'expect', key];
        out.push(diagnosticAt({ ...ex.place, path, key: true }, 'example-field', `"${key}" is not a field of a result`, didYouMean(key, fields, `expect status, findings or one of: ${fields.join(', ')}`)));
      }
    });
    if (ex.lines.length === 0) out.push(diagnosticAt(ex.place, 'missing-key', `example "${ex.name}" has no line`, 'add line: { ... } or lines: [ ... ]'));
    else if (ex.expect.length !== ex.lines.length) {
      out.push(diagnosticAt({ ...ex.place, path: [...ex.place.path, 'expect'] }, 'example-field', `example "${ex.name}" has ${ex.lines.length} lines but ${ex.expect.length} expectations`, 'write one expectation per line, in order'));
    }
    ex.expect.forEach((x, i) => {
      (x.findings ?? []).forEach((f, j) => {
        if (!known.has(f)) {
          const path = Array.isArray((ex.place.file.data as { examples: { expect: unknown }[] }).examples[ex.place.path[1] as number]!.expect)
            ? [...ex.place.path, 'expect', i, 'findings', j] : [...ex.place.path, 'expect', 'findings', j];
          out.push(diagnosticAt({ ...ex.place, path }, 'example-field', `"${f}" is neither a rule id nor a category`, didYouMean(f, known, 'name a rule id or a category')));
        }
      });
    });
  }
  return out;
}
