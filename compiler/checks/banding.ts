/** Bandings must cover every whole minute from 0 upwards exactly once, in order. */
import type { Diagnostic } from '../diagnostics.ts';
import type { Banding } from '../model.ts';
import { diagnosticAt } from '../source.ts';

export function checkBanding(b: Banding): Diagnostic[] {
  const out: Diagnostic[] = [];
  let expected = 0;
  let previousUnits = -1;
  for (const band of b.bands) {
    if (band.to < band.from) {
      out.push(diagnosticAt({ ...band.place, path: [...band.place.path, 'to'] }, 'bad-value', `band ${band.from}–${band.to} ends before it starts`, 'write from ≤ to'));
      return out;
    }
    if (band.from > expected) {
      const code = expected === 0 ? 'banding-start' : 'banding-gap';
      const message = expected === 0 ? `banding ${b.name} starts at ${band.from}, so ${minutes(0, band.from - 1)} in no band` : `${minutes(expected, band.from - 1)} in no band of ${b.name}`;
      out.push(diagnosticAt({ ...band.place, path: [...band.place.path, 'from'] }, code, message, `start this band at ${expected}`));
      return out;
    }
    if (band.from < expected) {
      out.push(diagnosticAt({ ...band.place, path: [...band.place.path, 'from'] }, 'banding-overlap', `${span(band.from, Math.min(band.to, expected - 1))} already in the band before`, `start this band at ${expected}`));
      return out;
    }
    if (band.units < previousUnits) {
      out.push(diagnosticAt({ ...band.place, path: [...band.place.path, 'units'] }, 'bad-value', `more minutes give fewer units (${band.units} after ${previousUnits})`, 'units must not decrease from band to band'));
      return out;
    }
    expected = band.to + 1;
    previousUnits = band.units;
  }
  return out;
}

/** Units for a number of minutes: the band holding it, or past the last band one more unit every `every` minutes. */
export function bandUnits(b: Pick<Banding, 'bands' | 'every'>, minutes: number): number | null {
  for (const band of b.bands) if (minutes >= band.from && minutes <= band.to) return band.units;
  const last = b.bands[b.bands.length - 1]!;
  if (minutes > last.to && b.every !== null) return last.units + 1 + Math.floor((minutes - last.to - 1) / b.every);
  return null;
}

function span(from: number, to: number): string {
  return from === to ? `minute ${from} is` : `minutes ${from}–${to} are`;
}

function minutes(from: number, to: number): string {
  return from === to ? `minute ${from} falls` : `minutes ${from}–${to} fall`;
}
