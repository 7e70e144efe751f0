/**
 * The progress line on a terminal for long runs: how far through the file,
 * lines per second and the time left. Shown only when standard error is a
 * terminal and the input is large; cleared at the end.
 */
import type { TextOut } from './output.ts';

/** What the progress line shows at one moment. */
export interface ProgressState {
  phase: string;
  lines: number;
  bytesRead: number;
  /** Input size in bytes, 0 when unknown (standard input). */
  size: number;
  elapsedMs: number;
}

/** The progress text: `reading 42% · 1,234,567 lines · 310,000 lines/s · about 12 s left`. */
export function progressText(s: ProgressState): string {
  const parts = [s.phase];
  if (s.size > 0) parts[0] += ` ${Math.min(100, Math.floor((100 * s.bytesRead) / s.size))}%`;
  parts.push(`${s.lines.toLocaleString('en-US')} lines`);
  const seconds = s.elapsedMs / 1000;
  if (seconds > 0.2 && s.lines > 0) {
    parts.push(`${Math.round(s.lines / seconds).toLocaleString('en-US')} lines/s`);
    if (s.size > 0 && s.bytesRead > 0 && s.bytesRead < s.size) parts.push(`about ${duration(((s.size - s.bytesRead) * seconds) / s.bytesRead)} left`);
  }
  return parts.join(' · ');
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A progress display: `update` redraws at most every 200 ms; `clear` removes it. */
export interface Progress {
  update(phase: string, lines: number, bytesRead: number): void;
  clear(): void;
}

/** Inputs smaller than this show no progress line. */
export const PROGRESS_MIN_BYTES = 8 * 1024 * 1024;

/** A progress line on `err` when `show` (a terminal and a large input), else one that does nothing. */
export function createProgress(err: TextOut, size: number, show: boolean, now: () => number = () => performance.now()): Progress {
  if (!show) return { update() {}, clear() {} };
  const start = now();
  let last = -Infinity;
  let drawn = false;
  return {
    update(phase, lines, bytesRead) {
      const t = now();
      if (t - last < 200) return;
      last = t;
      drawn = true;
      err.write(`\r\x1b[Kcodeguide: ${progressText({ phase, lines, bytesRead, size, elapsedMs: t - start })}`);
    },
    clear() {
      if (drawn) err.write('\r\x1b[K');
    },
  };
}
