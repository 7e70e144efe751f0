/**
 * The bundle's record check, generated from the record field table
 * (compiler/fields.ts): one straight-line block per field, no table walked per
 * line. Built only with the escaping code builder; the helpers it calls
 * (readField, readOptional, readModifiers, parseDay, problem, notARecord, …)
 * are the plain functions of runtime/record.js, inlined beside it.
 *
 * The function it declares, `checkRecord(raw, problems)`, returns the checked,
 * normalised LineRecord (runtime/record.js) or null, pushing one
 * `{ field, message }` per bad field into `problems`. It never throws, whatever
 * `raw` is (throwing getters, revoked Proxies, deep or huge values).
 */
import { FIELD_PROBLEMS, fieldOfKind, RECORD_FIELDS, requirement, type RecordField } from '../fields.ts';
import * as recordHelpers from '../../runtime/record.js';
import type { LineRecord, RecordProblem } from '../../runtime/record.js';
import { _, comment, indent, join, name, type Code } from './codegen.ts';

/** The name of the generated function. */
export const RECORD_CHECK_FUNCTION = 'checkRecord';
/** The quick check it tries first. */
const QUICK_CHECK_FUNCTION = 'checkRecordQuick';
/** Can a value be read straight off the record (a plain object, no field name on Object.prototype)? */
const QUICK_READABLE_FUNCTION = 'quickReadable';
/** One field read as the quick check reads it (runtime engine shardKeyOf). */
const KEY_FIELD_FUNCTION = 'readKeyField';

/** A field's locals: the value as read, and for dates and modifiers what it becomes. */
const rawOf = (f: RecordField): Code => name(`raw_${f.name}`);
const valOf = (f: RecordField): Code => name(`val_${f.name}`);

/** One field: statements that check it, and the expression of its normalised value (valid once every check passed). */
interface FieldCode { check: Code; value: Code }

/**
 * `quick`: the code of the quick check (checkRecordQuick), which reads the field straight off a plain object
 * and gives up (`giveUp`, by default returning null) at the first doubt instead of wording a problem; the
 * guarded check then runs.
 */
function fieldCode(f: RecordField, quick = false, giveUp: Code = _`return null;`): FieldCode {
  const raw = rawOf(f);
  const val = valOf(f);
  const read = quick
    ? _`const ${raw} = ${f.required ? _`raw[${f.name}]` : _`absent(raw[${f.name}])`};`
    : _`const ${raw} = ${f.required ? _`readField(raw, ${f.name})` : _`readOptional(raw, ${f.name})`};`;
  /** What to do when the field cannot be read (never the case in the quick check: it keeps the chain's shape). */
  const fail = (message: Code): Code => (quick ? giveUp : _`problems.push({ field: ${f.name}, message: ${message} });`);
  const unreadable = _`if (${raw} === unreadable) ${fail(_`${FIELD_PROBLEMS.unreadable(f)}`)}`;
  const complain = (message: string | Code, got: Code = raw): Code => (quick ? giveUp : _`problem(problems, ${f.name}, ${message}, ${got});`);
  /** For an optional field, a test applies only when it is present. */
  const when = (test: Code): Code => (f.required ? _`(${test})` : _`(${raw} !== undefined && (${test}))`);
  const orNull = (x: Code): Code => (f.required ? x : _`${raw} === undefined ? null : ${x}`);
  /** Read, then one test with the field's requirement as its message. */
  const simple = (test: Code, value: Code): FieldCode => ({
    check: _`${read}\n${unreadable}\nelse if ${when(test)} ${complain(requirement(f))}`,
    value: orNull(value),
  });
  // -0 is read as 0 where 0 is allowed, so that no result ever shows a negative zero.
  const zero = _`(${raw} === 0 ? 0 : ${raw})`;
  switch (f.kind) {
    case 'id':
      return {
        check: _`${read}\n${unreadable}\nelse if ${when(_`typeof ${raw} !== "string" || ${raw}.length === 0`)} ${complain(requirement(f))}\nelse if ${when(_`isBlank(${raw})`)} ${complain(FIELD_PROBLEMS.blank(f))}`,
        value: orNull(raw),
      };
    case 'text':
      return simple(_`typeof ${raw} !== "string"`, raw);
    case 'upperText':
      return simple(_`typeof ${raw} !== "string"`, _`${raw}.trim().toUpperCase()`);
    case 'integer':
      return simple(_`typeof ${raw} !== "number" || !Number.isInteger(${raw}) || ${raw} < ${f.min ?? 0}`, (f.min ?? 0) <= 0 ? zero : raw);
    case 'number':
      return simple(_`typeof ${raw} !== "number" || !Number.isFinite(${raw}) || ${raw} ${f.positive ? _`<=` : _`<`} 0`, f.positive ? raw : zero);
    case 'code':
      return simple(_`typeof ${raw} !== "string" || !lettersOrDigits(${raw}, 5)`, _`${raw}.toUpperCase()`);
    case 'placeOfService':
      // A whole number 0-99 (as some systems write it) is read as its two-digit code.
      return {
        check: _`${read}
const ${val} = typeof ${raw} === "number" && Number.isInteger(${raw}) && ${raw} >= 0 && ${raw} <= 99 ? String(${raw}).padStart(2, "0") : ${raw};
${unreadable}
else if ${when(_`typeof ${val} !== "string" || !twoDigits(${val})`)} ${complain(requirement(f))}`,
        value: orNull(val),
      };
    case 'date': {
      const start = startOf(f);
      const order = start
        ? _`\nelse if ${when(_`${valOf(start)} >= 0 && ${val} < ${valOf(start)}`)} ${complain(_`${FIELD_PROBLEMS.beforeStart(f)} + shown(${rawOf(start)})`)}`
        : _``;
      return {
        check: _`${read}\nconst ${val} = ${orNull(_`parseDay(${raw})`)};\n${unreadable}\nelse if ${when(_`${val} < 0`)} ${complain(requirement(f))}${order}`,
        value: val,
      };
    }
    case 'modifiers':
      return {
        check: _`${read}
const ${val} = ${raw} === undefined ? [] : readModifiers(${raw}, ${f.maxItems ?? 4});
if (${raw} === unreadable || ${val} === UNREADABLE_LIST) ${fail(_`${FIELD_PROBLEMS.unreadable(f)}`)}
else if (${val} === NOT_A_LIST) ${complain(requirement(f))}
else if (${val} === BAD_MODIFIER) ${complain(FIELD_PROBLEMS.badModifier(f))}`,
        value: val,
      };
  }
}

/** The required date field a date field must not be before (its check reads that field's locals), if any. */
function startOf(f: RecordField): RecordField | undefined {
  if (f.notBefore === undefined) return undefined;
  const start = RECORD_FIELDS.find((x) => x.name === f.notBefore);
  if (!start || start.kind !== 'date' || !start.required || RECORD_FIELDS.indexOf(start) > RECORD_FIELDS.indexOf(f)) {
    throw new Error(`fields: ${f.name} must come after the required date field ${f.notBefore}`);
  }
  return start;
}

/**
 * `function readKeyField(raw, name)`: one field of a record, read and normalised as the quick check reads it,
 * or `unreadable` at the first doubt (not a plain object, the field's name on Object.prototype, a wrong
 * value, a throwing getter). A date that must not be before another is read with that one.
 */
function emitKeyFieldReader(): Code {
  const giveUp = _`return unreadable;`;
  const cases = RECORD_FIELDS.map((f) => {
    const start = startOf(f);
    const read = start ? [start, f] : [f];
    const field = fieldCode(f, true, giveUp);
    const checks = read.map((r) => (r === f ? field : fieldCode(r, true, giveUp)).check);
    return _`case ${f.name}: {
  if (${join(read.map((r) => _`${r.name} in Object.prototype`), ' || ')}) return unreadable;
${indent(join(checks, '\n'))}
  return ${field.value};
}`;
  });
  return _`${comment('One field as the quick check reads it (its normalised value), or unreadable at the first doubt.')}
function ${name(KEY_FIELD_FUNCTION)}(raw, field) {
  if (!plainObject(raw)) return unreadable;
  try {
    switch (field) {
${indent(join(cases, '\n'), 3)}
    }
  } catch {
    return unreadable;
  }
  return unreadable;
}`;
}

/**
 * `function checkRecord(raw, problems)`: the record check of every bundle, as code.
 * It returns the normalised LineRecord or null, and pushes one `{ field, message }` per bad field.
 * A plain object is first given to the quick check (checkRecordQuick), which reads its fields straight
 * off it (so it runs only while Object.prototype holds none of the field names) and returns the same record when every field is right; at the first doubt (a wrong field, a
 * throwing getter) it gives up, and the guarded check reads the record again and words its problems.
 */
export function emitRecordCheck(): Code {
  const finish = (quick: boolean): Code => {
    const fields = RECORD_FIELDS.map((f) => ({ f, code: fieldCode(f, quick) }));
    const code = fieldOfKind('code');
    const end = RECORD_FIELDS.find((f) => f.kind === 'date' && f.notBefore !== undefined);
    const start = end && RECORD_FIELDS.find((f) => f.name === end.notBefore)!;
    const upperCode = name('code');
    const record = [
      ...fields.map(({ f, code: c }) => _`${name(f.name)}: ${f === code ? upperCode : c.value},`),
      start && end ? _`serviceDays: ${valOf(end)} === null ? 1 : ${valOf(end)} - ${valOf(start)} + 1,` : _`serviceDays: 1,`,
    ];
    return _`${join(fields.map(({ f, code: c }) => _`${comment(`${f.name}: ${f.kind}${f.required ? ', required' : ''}`)}\n${c.check}`), '\n')}
${quick ? _`` : _`if (problems.length > before) return null;\n`}const ${upperCode} = ${fields.find((x) => x.f === code)!.code.value};
return {
${indent(join(record, '\n'))}
};`;
  };
  return _`${comment('Check one input record and normalise it (generated from the record field table). Never throws.')}
function ${name(RECORD_CHECK_FUNCTION)}(raw, problems) {
  if (${name(QUICK_READABLE_FUNCTION)}(raw)) {
    const quick = ${name(QUICK_CHECK_FUNCTION)}(raw);
    if (quick !== null) return quick;
  }
  const shape = notARecord(raw);
  if (shape !== null) {
    problems.push({ field: "record", message: shape });
    return null;
  }
  const before = problems.length;
${indent(finish(false))}
}

${comment('The record of a plain object whose fields are all right, read straight off it; null at the first doubt (checkRecord then words the problems).')}
function ${name(QUICK_CHECK_FUNCTION)}(raw) {
  try {
${indent(finish(true), 2)}
  } catch {
    return null;
  }
}

${comment('Is the record a plain object whose fields can be read straight off it (Object.prototype holds none of their names)?')}
function ${name(QUICK_READABLE_FUNCTION)}(raw) {
  return plainObject(raw) && ${join(RECORD_FIELDS.map((f) => _`!(${f.name} in Object.prototype)`), ' && ')};
}

${emitKeyFieldReader()}`;
}

/**
 * The generated record check as a function of this process, linked to the helpers of
 * runtime/record.js: what every bundle runs, for tests and the bench's hand-written validator.
 */
export function recordCheckFunction(): (raw: unknown, problems: RecordProblem[]) => LineRecord | null {
  const names = Object.keys(recordHelpers);
  const values = names.map((k) => (recordHelpers as Record<string, unknown>)[k]);
  return new Function(...names, `${emitRecordCheck()}\nreturn ${RECORD_CHECK_FUNCTION};`)(...values);
}
