/** How durations, sizes and amounts of progress are written for humans (one place, so every line agrees). */
import type { ProgressUnit } from '../core/progress.js';

/** `4s`, `1m08s`, `2h05m`: whole seconds, never a fraction. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** Bytes in binary units with one decimal: `512 B`, `3.4 MiB`, `1.2 GiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** `done/total` in the unit: `1.2/3.0 GiB` style for bytes, `45%` for percentages, `12/60 nodes` for counts. */
export function formatAmount(done: number, total: number, unit?: ProgressUnit): string {
  if (unit === 'percent') return `${Math.floor(done)}%`;
  if (unit === 'bytes') return `${formatBytes(done)} of ${formatBytes(total)}`;
  return `${done}/${total}${unit ? ` ${unit}` : ''}`;
}

/** Share of the work done, 0 to 1. */
export function fractionDone(done: number, total: number): number {
  return total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
}

/** Time left by linear extrapolation from the time spent, or undefined when there is nothing to go on yet. */
export function estimateLeftMs(elapsedMs: number, fraction: number): number | undefined {
  if (fraction <= 0.01 || fraction >= 1 || elapsedMs < 1000) return undefined;
  return (elapsedMs / fraction) * (1 - fraction);
}
