/** Feeding readers in tests: bytes cut into chunks of a given size, and collecting what a reader yields. */
import type { ReadItem } from '../../compiler/io/items.ts';

/** The bytes as a stream of chunks of `size` bytes (every split point matters to a streaming reader). */
export async function* chunked(bytes: Uint8Array | string, size = 65536): AsyncGenerator<Buffer> {
  const b = typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes);
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

/** Everything a reader yields, in order. */
export async function collect(items: AsyncIterable<ReadItem>): Promise<ReadItem[]> {
  const out: ReadItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Only the record and problem items (what becomes one result each). */
export function lines(items: readonly ReadItem[]): ReadItem[] {
  return items.filter((i) => !('fault' in i));
}
