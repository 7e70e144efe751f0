/**
 * Linking the runtime into a bundle, by reference. The printer asks for a
 * runtime function (`link.fn(lt)`) or a whole runtime module
 * (`link.module(engine)`); each is written once, as the function's own source
 * (`Function.prototype.toString`, which is the text as written in
 * `runtime/*.js`), under its own name. Module constants become literals.
 *
 * Runtime modules therefore follow two rules: every top-level declaration is
 * exported (so nothing a function uses is left behind), and functions use
 * only their parameters and other runtime declarations.
 */
import { _, join, literal, name, trustedSource, type Code } from './codegen.ts';

/** A function of a runtime module. */
export type RuntimeFunction = (...args: never[]) => unknown;

export class Linker {
  readonly #defs = new Map<string, { code: Code; ref: unknown }>();

  /** Link one runtime function; returns its name for generated code to call. */
  fn(f: RuntimeFunction): Code {
    return this.#add(f.name, f);
  }

  /** Link every export of a runtime module (functions as written, constants as literals). */
  module(ns: Record<string, unknown>): void {
    for (const key of Object.keys(ns).sort()) this.#add(key, ns[key]);
  }

  /** The linked definitions, in the order they were first asked for. */
  code(): Code {
    return join([...this.#defs.values()].map((d) => d.code), '\n');
  }

  #add(id: string, value: unknown): Code {
    const ref = name(id);
    const known = this.#defs.get(id);
    if (known) {
      if (known.ref !== value) throw new Error(`link: two runtime declarations are named ${id}`);
      return ref;
    }
    this.#defs.set(id, { code: definition(id, value), ref: value });
    return ref;
  }
}

function definition(id: string, value: unknown): Code {
  if (typeof value === 'function') {
    const text = Function.prototype.toString.call(value);
    if (!text.startsWith(`function ${id}(`)) throw new Error(`link: runtime export ${id} is not a plain function declaration`);
    return trustedSource(text);
  }
  if (value instanceof RegExp) return _`const ${name(id)} = new RegExp(${value.source}, ${value.flags});`;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return _`const ${name(id)} = ${literal(value)};`;
  throw new Error(`link: runtime export ${id} is neither a function nor a constant`);
}
