/**
 * The one shape every benchmark reports its result in, so that `npm run bench`
 * (bench/all.ts) can print a single table: the work measured, our figure, the
 * reference tool's figure, the ratio, the goal from the issue, met or not.
 *
 * A benchmark calls {@link reportRows} once it has its figures. When run by
 * bench/all.ts, the environment names a file (BENCH_ROWS_FILE) to which the
 * rows are appended as JSON lines; run alone, the rows are printed as a
 * Markdown table after the benchmark's own output.
 */
import { appendFileSync } from 'node:fs';

/** One line of the summary table. */
export interface BenchRow {
  /** What was measured, with its size: `image list --json, 1,000 images`. */
  work: string;
  /** Our figure, with its unit: `0.21 s`, `812 MB/s`. */
  ours: string;
  /** The reference tool and its figure: `python3 + PyYAML 0.95 s`; `-` when there is none. */
  reference: string;
  /** How much better we are (> 1 is better), as the goal counts it; undefined when not comparable. */
  ratio?: number;
  /** The goal, in the words: `>= 4x`, `< 1 s`, `<= 30 MiB`. */
  goal: string;
  /** Whether the goal is met on this run; undefined when the run could not tell. */
  met?: boolean;
}

/** True when bench/all.ts asked for the quick sizes (each benchmark picks its own). */
export const QUICK = process.env.BENCH_QUICK === '1';

/** Formats a duration in milliseconds as the table shows it. */
export function seconds(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
}

/** Formats a ratio as `4.2x`, or `-` when there is none. */
export function ratioText(ratio: number | undefined): string {
  return ratio === undefined || !Number.isFinite(ratio) ? '-' : `${ratio.toFixed(ratio >= 10 ? 0 : 1)}x`;
}

/** Renders rows as a Markdown table (the header included). */
export function markdownTable(rows: readonly (BenchRow & { bench?: string })[]): string {
  const lines = ['| work | ours | reference | ratio | goal | met |', '|---|---|---|---|---|---|'];
  for (const row of rows) {
    const met = row.met === undefined ? '?' : row.met ? 'yes' : 'no';
    lines.push(`| ${row.work} | ${row.ours} | ${row.reference} | ${ratioText(row.ratio)} | ${row.goal} | ${met} |`);
  }
  return lines.join('\n');
}

/** Hands a benchmark's rows to bench/all.ts, or prints them when run alone. */
export function reportRows(rows: readonly BenchRow[]): void {
  const file = process.env.BENCH_ROWS_FILE;
  if (file) {
    appendFileSync(file, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
    return;
  }
  console.log(`\n${markdownTable(rows)}`);
}
