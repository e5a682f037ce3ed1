/**
 * How long operations report what they are doing. The library only calls these
 * callbacks; the CLI draws a bar or prints lines, the API streams events.
 */

/**
 * Unit of a `progress` event's amounts: `bytes` (shown in MiB/GiB),
 * `percent` (a child tool's own percentage, total 100), or a count noun
 * (`nodes`, `files`).
 */
export type ProgressUnit = 'bytes' | 'percent' | 'nodes' | 'files';

/** One progress event. */
export type ProgressEvent =
  /** A new step of a pipeline starts (the previous one, if any, is over). */
  | { type: 'step'; step: string; index: number; total: number }
  /** How far the current step is; `total` known in advance. */
  | { type: 'progress'; step: string; done: number; total: number; unit?: ProgressUnit }
  /** What a child tool says it is doing now (e.g. a dracut stage); no total. */
  | { type: 'detail'; message: string }
  /** A size of what the operation made, for the final summary (`label`: e.g. `squashfs.img`). */
  | { type: 'size'; label: string; bytes: number }
  | { type: 'log'; level: 'info' | 'warn' | 'debug'; message: string };

/** Receiver of progress events. */
export type ProgressSink = (event: ProgressEvent) => void;

/** A sink that drops everything (library default). */
export const silentProgress: ProgressSink = () => {};

/** Helper that numbers the steps of a pipeline for a sink. */
export class StepReporter {
  private index = 0;
  constructor(private readonly sink: ProgressSink, private readonly total: number) {}

  /** Announces the next step. */
  step(step: string): void {
    this.index += 1;
    this.sink({ type: 'step', step, index: this.index, total: this.total });
  }

  progress(step: string, done: number, total: number, unit?: ProgressUnit): void {
    this.sink({ type: 'progress', step, done, total, unit });
  }

  /** Reports a size of the result (bytes) for the final summary. */
  size(label: string, bytes: number): void { this.sink({ type: 'size', label, bytes }); }

  info(message: string): void { this.sink({ type: 'log', level: 'info', message }); }
  warn(message: string): void { this.sink({ type: 'log', level: 'warn', message }); }
}

/**
 * Turns a child's output into whole lines for `onLine`. Both `\n` and `\r`
 * end a line: progress bars redraw themselves with `\r`. Returns the
 * chunk handler to pass as the runner's `onStdout`/`onStderr`.
 */
export function lineRelay(onLine: (line: string) => void): (chunk: Buffer) => void {
  let pending = '';
  return (chunk) => {
    const parts = (pending + chunk.toString('utf8')).split(/[\r\n]/);
    pending = parts.pop() ?? '';
    for (const line of parts) if (line.trim()) onLine(line);
  };
}

/**
 * Relays a `N/M P%` progress bar (mksquashfs prints `[===/ ] 120/4000 3%`)
 * as `percent` progress events of `step`; each percentage is sent once.
 */
export function percentRelay(sink: ProgressSink, step: string): (chunk: Buffer) => void {
  let last = -1;
  // A redraw may be cut anywhere: the percentage is taken from complete `\r` lines only.
  return lineRelay((line) => {
    const match = /(\d+)\/(\d+)\s+(\d{1,3})%/.exec(line);
    if (!match) return;
    const percent = Math.min(100, Number(match[3]));
    if (percent === last) return;
    last = percent;
    sink({ type: 'progress', step, done: percent, total: 100, unit: 'percent' });
  });
}
