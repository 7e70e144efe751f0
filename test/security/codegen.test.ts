/** The escaping code builder: any string becomes a literal that evaluates back to itself. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { _, comment, literal, name } from '../../compiler/emit/codegen.ts';

describe('codegen', () => {
  it('literal(s) evaluates to s for any string, and never to anything that runs', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('`${x}`', '*/', '\u2028', '\u2029', '"\'\\', '</script>')), (s) => {
        const code = literal(s).toString();
        expect(code).not.toMatch(/[\u2028\u2029\n\r]/);
        expect(new Function(`return ${code};`)()).toBe(s);
      }),
      { numRuns: 500 },
    );
  });

  it('nested values and numbers round-trip', () => {
    const value = { a: [1, -0, 2.5, null, true, 'x'], 'not an id': { __proto__: 'p' } as Record<string, string>, b: -Infinity };
    const back = new Function(`return ${literal(value as never)};`)();
    expect(back.a).toEqual([1, -0, 2.5, null, true, 'x']);
    expect(Object.is(back.a[1], -0)).toBe(true);
    expect(back.b).toBe(-Infinity);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    const own = new Function(`return ${literal(JSON.parse('{"__proto__": {"polluted": 1}}'))};`)();
    expect(Object.getPrototypeOf(own)).toBe(Object.prototype);
    expect(Object.keys(own)).toEqual(['__proto__']);
  });

  it('the template splices only Code raw', () => {
    const evil = '"); process.exit(1); ("';
    expect(_`f(${evil})`.toString()).toBe(`f(${JSON.stringify(evil)})`);
    expect(_`f(${name('ok_1')})`.toString()).toBe('f(ok_1)');
  });

  it('names must be safe identifiers', () => {
    for (const bad of ['a-b', '1a', 'a b', '__proto__', 'constructor', 'return', 'x;y', '']) expect(() => name(bad)).toThrow();
  });

  it('comments cannot be escaped', () => {
    expect(comment('a\nb\u2028c\rd').toString()).toBe('// a b c d');
  });
});
