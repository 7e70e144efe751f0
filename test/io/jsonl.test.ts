/** The JSON Lines reader: one item per line, in order, whatever the line holds; limits with their own messages. */
import { describe, expect, it } from 'vitest';
import { LINE_LIMITS, readJsonLines, scanJson } from '../../compiler/io/jsonl.ts';
import { chunked, collect } from './helpers.ts';

const good = { claimId: 'C1', lineNumber: 1, memberId: 'M1', serviceDate: '2024-04-01', procedureCode: 'G9008', modifiers: ['U1'], units: 1 };

/** The items read; a record's own text (handed on for shards) must parse to exactly the record, and is then left out. */
async function read(bytes: Uint8Array | string, size?: number) {
  const items = await collect(readJsonLines(chunked(bytes, size)));
  return items.map((item) => {
    if (!('text' in item)) return item;
    const { text, ...rest } = item;
    expect(JSON.parse(text!)).toEqual(rest.record);
    expect(text).not.toMatch(/\n|^\uFEFF|\r$/);
    return rest;
  });
}

describe('JSON Lines reader', () => {
  it('yields one record per line, the same whatever the chunk size', async () => {
    const text = `\uFEFF${JSON.stringify(good)}\r\n${JSON.stringify({ ...good, lineNumber: 2 })}\n{"a":"é ✓ 𝄞"}`;
    const whole = await read(text);
    expect(whole).toEqual([{ record: good }, { record: { ...good, lineNumber: 2 } }, { record: { a: 'é ✓ 𝄞' } }]);
    for (const size of [1, 2, 3, 7, 64]) expect(await read(text, size)).toEqual(whole);
  });

  it('a final line break ends the last line; an empty input has no records', async () => {
    expect(await read('{"a":1}\n')).toHaveLength(1);
    expect(await read('')).toEqual([]);
    expect(await read('\n')).toEqual([{ problem: expect.stringMatching(/^line 1 is blank/) }]);
  });

  it('a line that cannot be read is one problem naming its line, and the next lines still count', async () => {
    const items = await read(['not json', '', '{"units":1,"units":2}', '{"a":{"b":1,"b":2}}', '{"claimId":"C7","lineNumber":3,"x\\u0041":1,"xA":2}', JSON.stringify(good)].join('\n'));
    expect(items.map((i) => ('problem' in i ? i.problem.slice(0, 30) : 'record'))).toEqual([
      'line 1 is not JSON: Unexpected',
      'line 2 is blank; a record is o',
      'line 3 has the key "units" twi',
      'line 4 has the key "b" twice; ',
      'line 5 has the key "xA" twice;',
      'record',
    ]);
    // The identifiers of a record with a duplicate key are still echoed.
    expect(items[4]).toMatchObject({ claimId: 'C7', lineNumber: 3 });
  });

  it('invalid UTF-8 is a problem naming the byte offset in the file', async () => {
    const bytes = Buffer.concat([Buffer.from('{"a":1}\n{"b":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n{"c":"\u00e9"}\n'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('\n')]);
    for (const size of [1, 5, 1000]) {
      const items = await read(bytes, size);
      expect(items).toHaveLength(4);
      expect(items[1]).toEqual({ problem: 'line 2 is not valid UTF-8: byte offset 14 of the file (0xc3)' });
      expect(items[2]).toEqual({ record: { c: 'é' } });
      expect(items[3]).toEqual({ problem: 'line 4 is not valid UTF-8: byte offset 30 of the file (0xed)' }); // an encoded surrogate
    }
  });

  it('nesting past the limit and lines past the length limit have their own messages', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const long = JSON.stringify({ ...good, note: 'x'.repeat(LINE_LIMITS.bytes) });
    const items = await read([deep, long, JSON.stringify(good)].join('\n'), 4096);
    expect(items[0]).toEqual({ problem: `line 1 nests arrays and objects deeper than ${LINE_LIMITS.depth} levels, the limit for one line` });
    expect(items[1]).toEqual({ problem: expect.stringMatching(/^line 2 is [\d,]+ bytes long, over the limit of 1,048,576 bytes for one line$/) });
    expect(items[2]).toEqual({ record: good });
    // Exactly at the depth limit is fine.
    expect(scanJson(`${'['.repeat(LINE_LIMITS.depth)}${']'.repeat(LINE_LIMITS.depth)}`)).toBeNull();
  });

  it('a line that is JSON but not an object is passed on for the bundle to judge', async () => {
    expect(await read('[1,2]\nnull\n"x"\n')).toEqual([{ record: [1, 2] }, { record: null }, { record: 'x' }]);
  });

  it('a repeated key is found however the line is spaced or nested', async () => {
    for (const line of ['{"a":1,"a" :2}', '{"a" : 1, "a":2}', '{"x":"10:30","a":1,"a":2}', '{"m":[{"b":1,"b":1}]}', '{ "a" :\t1 ,\t"a":1 }', '{"__proto__":1,"__proto__":2}']) {
      expect(await read(line), line).toEqual([{ problem: expect.stringMatching(/twice/) }]);
    }
    for (const line of ['{"a":"x:y","b":1}', '{ "a" : 1 , "b" : [ { "a" : 1 } ] }']) expect(await read(line), line).toEqual([{ record: JSON.parse(line) }]);
  });

  it('scanJson tells strings with escaped quotes and braces from structure', () => {
    expect(scanJson('{"a":"}\\"{","b":"[[","c":{"a":1}}')).toBeNull();
    expect(scanJson('{"a\\\\":1,"a\\\\":2}')).toMatch(/twice/);
    expect(scanJson('[{"a":1},{"a":1}]')).toBeNull();
  });
});
