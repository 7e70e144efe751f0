/**
 * The JSON Lines reader reads a line the same whichever way it reaches it: decoded
 * with the other lines of its chunk, byte by byte after bytes that are not UTF-8,
 * or joined from two chunks. Its CR, its length and its text do not depend on that.
 */
import { describe, expect, it } from 'vitest';
import { LINE_LIMITS, readJsonLines } from '../../compiler/io/jsonl.ts';
import { chunked, collect } from './helpers.ts';

const bad = Buffer.from([0xff]);

describe('JSON Lines reader, a line read any way', () => {
  it('a line ending in two CRs keeps one in its text, next to valid and invalid UTF-8, in any chunks', async () => {
    const text = Buffer.from('{"a":1}\r\r\n{"b":2}\r\n');
    for (const bytes of [text, Buffer.concat([text, bad, Buffer.from('\n')])]) {
      for (const size of [1, 3, 8, 1000]) {
        const items = await collect(readJsonLines(chunked(bytes, size)));
        expect(items.slice(0, 2), `chunks of ${size}`).toEqual([{ record: { a: 1 }, text: '{"a":1}\r' }, { record: { b: 2 }, text: '{"b":2}' }]);
      }
    }
  });

  it('a line of exactly the byte limit before its CRLF is read, one byte more is too long, in any chunks', async () => {
    const line = (n: number): string => `{"a":"${'x'.repeat(n - 8)}"}`;
    for (const tail of [Buffer.alloc(0), Buffer.concat([bad, Buffer.from('\n')])]) {
      const bytes = Buffer.concat([Buffer.from(`${line(LINE_LIMITS.bytes)}\r\n${line(LINE_LIMITS.bytes + 1)}\r\n`), tail]);
      for (const size of [65536, 262144, bytes.length]) {
        const items = await collect(readJsonLines(chunked(bytes, size)));
        expect('record' in items[0]!, `chunks of ${size}`).toBe(true);
        expect(items[1], `chunks of ${size}`).toEqual({ problem: `line 2 is ${(LINE_LIMITS.bytes + 1).toLocaleString('en-US')} bytes long, over the limit of ${LINE_LIMITS.bytes.toLocaleString('en-US')} bytes for one line` });
      }
    }
  });
});
