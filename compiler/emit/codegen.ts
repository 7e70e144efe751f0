/**
 * The escaping code builder. Generated JavaScript is assembled only from
 * `Code` values; the tagged template `_` splices `Code` raw and turns every
 * other value into a literal (strings JSON-quoted, U+2028/U+2029 escaped), so
 * no text from a rule file can become code. Names are checked identifiers.
 */

/** A fragment of JavaScript source. Only this module and `_` create one. */
export class Code {
  readonly #text: string;
  private constructor(text: string) {
    this.#text = text;
  }
  /** @internal used by the builder functions below */
  static raw(text: string): Code {
    return new Code(text);
  }
  toString(): string {
    return this.#text;
  }
}

/** A value that becomes a JavaScript literal. */
export type Literal = string | number | boolean | null | undefined | readonly Literal[] | { readonly [key: string]: Literal };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const RESERVED = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for function if import in ' +
    'instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface ' +
    'package private protected public await arguments eval undefined NaN Infinity __proto__ constructor prototype').split(' '),
);

/** An identifier made by the compiler (never from rule text without checking). */
export function name(id: string): Code {
  if (!IDENTIFIER.test(id) || RESERVED.has(id)) throw new Error(`codegen: not a safe identifier: ${JSON.stringify(id)}`);
  return Code.raw(id);
}

/** A JavaScript literal for a value: safe for any string, including quotes, backticks, `${`, `*\/` and line separators. */
export function literal(value: Literal): Code {
  return Code.raw(literalText(value));
}

function literalText(value: Literal): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return Object.is(value, -0) ? '-0' : String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(literalText).join(', ')}]`;
  const entries = Object.entries(value as Record<string, Literal>);
  // A quoted "__proto__" key would still set the prototype; a computed key defines a plain property.
  const key = (k: string) => (k === '__proto__' ? `[${quote(k)}]` : IDENTIFIER.test(k) ? k : quote(k));
  return `{ ${entries.map(([k, v]) => `${key(k)}: ${literalText(v)}`).join(', ')} }`;
}

/** JSON quoting plus the two characters JSON allows but older JavaScript does not, and `<` (for inline script tags). */
function quote(s: string): string {
  return JSON.stringify(s).replace(/[\u2028\u2029<]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Tagged template: `Code` splices raw, arrays of `Code` join with nothing, everything else becomes a literal. */
export function _(strings: TemplateStringsArray, ...values: (Code | readonly Code[] | Literal)[]): Code {
  let out = strings[0]!;
  values.forEach((v, i) => {
    if (v instanceof Code) out += v.toString();
    else if (Array.isArray(v) && v.every((x) => x instanceof Code)) out += (v as Code[]).join('');
    else out += literalText(v as Literal);
    out += strings[i + 1]!;
  });
  return Code.raw(out);
}

/** Join fragments with a separator given as code text made by the compiler. */
export function join(parts: readonly Code[], separator: ', ' | ' && ' | ' || ' | '\n' | '\n\n' | ' + ' | ''): Code {
  return Code.raw(parts.map(String).join(separator));
}

/** Indent every line of a fragment by `levels` × two spaces. */
export function indent(code: Code, levels = 1): Code {
  const pad = '  '.repeat(levels);
  return Code.raw(code.toString().split('\n').map((l) => (l === '' ? l : pad + l)).join('\n'));
}

/** A trusted source file of this project (runtime/*.js), inlined as code. */
export function trustedSource(text: string): Code {
  return Code.raw(text);
}

/** A line comment; the text is flattened to one line and cannot close or escape the comment. */
export function comment(text: string): Code {
  return Code.raw(`// ${text.replace(/[\r\n\u2028\u2029]+/g, ' ')}`);
}
