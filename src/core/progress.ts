/**
 * How long operations report what they are doing. The library only calls these
 * callbacks; the CLI draws a bar or prints lines, the API streams events.
 */

/** One progress event. */
export type ProgressEvent =
  | { type: 'step'; step: string; index: number; total: number }
  | { type: 'progress'; step: string; done: number; total: number; unit?: string }
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

  progress(step: string, done: number, total: number, unit?: string): void {
    this.sink({ type: 'progress', step, done, total, unit });
  }

  info(message: string): void { this.sink({ type: 'log', level: 'info', message }); }
  warn(message: string): void { this.sink({ type: 'log', level: 'warn', message }); }
}
