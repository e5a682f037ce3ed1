/**
 * Draws the library's progress events on stderr, so long work always shows
 * it is alive, in one of three ways:
 * - `terminal`: a cli-progress line redrawn every second (elapsed time, and a
 *   bar with an estimate when the total is known), step lines above it;
 * - `plain` (logs, Ansible, pipes): step lines, then a status line at most
 *   every 10 s while a step runs;
 * - `json` (`--json`): one JSON object per line, a heartbeat at least every
 *   5 s; stdout keeps only the command's answer.
 * Each mode ends with a summary: total time and sizes (none in text after a failure: the error line is the one line).
 */
import { createRequire } from 'node:module';
import type cliProgressModule from 'cli-progress';
import type { ProgressEvent, ProgressSink, ProgressUnit } from '../core/progress.js';
import { estimateLeftMs, formatAmount, formatBytes, formatDuration, fractionDone } from './progress-format.js';

/** How progress is shown. */
export type ProgressMode = 'terminal' | 'plain' | 'json';

/** Time source and ticker; tests pass a hand-driven one. */
export interface ProgressClock {
  /** Milliseconds since some fixed origin. */
  now(): number;
  /** Calls `tick` every `ms` milliseconds until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
}

/** Where progress goes (stderr); `isTTY` only matters in `terminal` mode. */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** A running display: give `sink` to the command, call `finish` once when it ends. */
export interface ProgressView {
  sink: ProgressSink;
  /** Ends the current step and prints the summary line (only if some step or progress was reported). */
  finish(outcome: 'done' | 'failed' | 'interrupted'): void;
}

/** A step that took longer than this says how long it took. */
export const SHOW_ELAPSED_AFTER_MS = 2000;
/** Longest silence of `--json` progress while a step runs. */
export const JSON_HEARTBEAT_MS = 5000;
/** Shortest gap between two status lines without a terminal. */
export const PLAIN_INTERVAL_MS = 10_000;
/** Shortest gap between two JSON progress or detail lines of a step (a child may print thousands). */
export const JSON_PROGRESS_INTERVAL_MS = 1000;
const TICK_MS = 1000;

/** The real clock; its timer never keeps the process alive. */
export const systemClock: ProgressClock = {
  now: () => Date.now(),
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/** The mode for a command: JSON lines with `--json`, else a bar on a terminal, else plain lines. */
export function progressMode(options: { json: boolean; tty: boolean }): ProgressMode {
  if (options.json) return 'json';
  return options.tty ? 'terminal' : 'plain';
}

/** The step being worked on. */
interface Activity {
  name: string;
  startedAt: number;
  done?: number;
  total?: number;
  unit?: ProgressUnit;
  /** Last thing a child tool said it was doing. */
  detail?: string;
  /** When the last JSON progress/detail line of this step was written. */
  lastJsonAt?: number;
}

/** One status text of `activity` at `now`: amount, elapsed, estimate, detail. */
function statusText(activity: Activity, now: number): string {
  const elapsed = now - activity.startedAt;
  const parts = [`${formatDuration(elapsed)} elapsed`];
  if (activity.done !== undefined && activity.total !== undefined) {
    parts.unshift(formatAmount(activity.done, activity.total, activity.unit));
    const left = estimateLeftMs(elapsed, fractionDone(activity.done, activity.total));
    if (left !== undefined) parts.push(`about ${formatDuration(left)} left`);
  }
  const detail = activity.detail ? ` (${activity.detail.length > 60 ? `${activity.detail.slice(0, 57)}...` : activity.detail})` : '';
  return `${activity.name}: ${parts.join(', ')}${detail}`;
}

/**
 * The redrawn line of `terminal` mode: cli-progress owns the redraw, the timer and the line clearing.
 * The package is required when a terminal first shows a step, not when the CLI starts.
 */
class TerminalLine {
  private bars?: cliProgressModule.MultiBar;
  constructor(private readonly out: ProgressOutput, private readonly text: () => { status: string; fraction?: number }) {}

  start(): void {
    const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof cliProgressModule;
    this.bars = new cliProgress.MultiBar({
      stream: this.out as NodeJS.WritableStream, fps: 1, clearOnComplete: true, hideCursor: false, forceRedraw: true, barsize: 24,
      format: (options) => {
        const { status, fraction } = this.text();
        return fraction === undefined ? `  ${status}` : `  [${cliProgress.Format.BarFormat(fraction, options)}] ${status}`;
      },
    });
    this.bars.create(1, 0);
  }

  /** Writes a whole line above the redrawn one. */
  line(text: string): void {
    if (!this.bars) {
      this.out.write(`${text}\n`);
      return;
    }
    this.bars.log(`${text}\n`);
    this.bars.update();
  }

  stop(): void {
    if (!this.bars) return;
    this.bars.update();
    this.bars.stop();
    this.bars = undefined;
  }
}

/** Starts a display of `mode` on `out` (stderr). */
export function createProgressView(out: ProgressOutput, options: { mode: ProgressMode; color?: boolean; clock?: ProgressClock }): ProgressView {
  const { mode } = options;
  const clock = options.clock ?? systemClock;
  const startedAt = clock.now();
  const sizes = new Map<string, number>();
  let current: Activity | undefined;
  let worked = false;
  let finished = false;
  let stopTicks: (() => void) | undefined;
  /** When the last line was written: plain status lines and JSON lines alike. */
  let lastLineAt = startedAt;
  const paint = (text: string, code: string) => (options.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const terminal = mode === 'terminal' ? new TerminalLine(out, () => {
    const now = clock.now();
    if (!current) return { status: '' };
    const known = current.done !== undefined && current.total !== undefined;
    return { status: statusText(current, now), fraction: known ? fractionDone(current.done ?? 0, current.total ?? 0) : undefined };
  }) : undefined;

  const line = (text: string) => {
    lastLineAt = clock.now();
    if (terminal) terminal.line(text);
    else out.write(`${text}\n`);
  };
  const json = (record: Record<string, unknown>) => {
    lastLineAt = clock.now();
    out.write(`${JSON.stringify({ ...record, elapsedMs: lastLineAt - startedAt })}\n`);
  };

  const tick = () => {
    if (!current || finished) return;
    const now = clock.now();
    // The heartbeat goes out on the last tick that keeps the silence within JSON_HEARTBEAT_MS.
    if (mode === 'json' && now - lastLineAt + TICK_MS > JSON_HEARTBEAT_MS) json({ type: 'heartbeat', step: current.name, stepElapsedMs: now - current.startedAt });
    if (mode === 'plain' && now - lastLineAt >= PLAIN_INTERVAL_MS) line(`  ${statusText(current, now)}`);
  };

  /** `failed`: the step did not finish; the error line that follows says why, so no line here. */
  const endActivity = (failed = false) => {
    if (!current) return;
    const took = clock.now() - current.startedAt;
    const name = current.name;
    terminal?.stop();
    current = undefined;
    if (mode === 'json') json({ type: 'stepDone', step: name, stepElapsedMs: took });
    else if (took > SHOW_ELAPSED_AFTER_MS && !failed) line(`  ${name}: done in ${formatDuration(took)}`);
  };

  const begin = (name: string, heading: string) => {
    endActivity();
    worked = true;
    if (mode !== 'json') line(heading);
    current = { name, startedAt: clock.now() };
    // A terminal redraws by itself (cli-progress's timer); the other modes are ticked here.
    if (terminal) terminal.start();
    else stopTicks ??= clock.every(TICK_MS, tick);
  };

  /** JSON progress and detail lines are thinned to one a second per step; the last progress line is always written. */
  const jsonThinned = (record: Record<string, unknown>, always: boolean) => {
    if (!current) return json(record);
    const now = clock.now();
    if (!always && current.lastJsonAt !== undefined && now - current.lastJsonAt < JSON_PROGRESS_INTERVAL_MS) return;
    current.lastJsonAt = now;
    json(record);
  };

  const sink: ProgressSink = (event: ProgressEvent) => {
    if (finished) return;
    switch (event.type) {
      case 'step':
        begin(event.step, `${paint(`[${event.index}/${event.total}]`, '1')} ${event.step}`);
        if (mode === 'json') json({ ...event });
        return;
      case 'progress': {
        if (current?.name !== event.step) begin(event.step, event.step);
        const activity = current as Activity;
        Object.assign(activity, { done: event.done, total: event.total, unit: event.unit });
        if (mode === 'json') jsonThinned({ ...event }, event.done >= event.total);
        else if (mode === 'plain' && clock.now() - lastLineAt >= PLAIN_INTERVAL_MS) line(`  ${statusText(activity, clock.now())}`);
        return;
      }
      case 'detail':
        if (current) current.detail = event.message;
        if (mode === 'json') jsonThinned({ ...event }, false);
        return;
      case 'size':
        sizes.set(event.label, event.bytes);
        if (mode === 'json') json({ ...event });
        return;
      case 'log':
        if (event.level === 'debug') {
          // A child's chatter (package installs): the latest line is the step's detail, never a line of its own.
          if (current) current.detail = event.message;
          return;
        }
        if (mode === 'json') json({ ...event });
        else line(event.level === 'warn' ? `${paint('warning:', '33')} ${event.message}` : event.message);
    }
  };

  const finish = (outcome: 'done' | 'failed' | 'interrupted') => {
    if (finished) return;
    endActivity(outcome === 'failed');
    finished = true;
    stopTicks?.();
    // A failure is told by the error line alone (one line per problem): a `failed in 0s` before it says nothing more.
    if (!worked || (outcome === 'failed' && mode !== 'json')) return;
    const total = clock.now() - startedAt;
    if (mode === 'json') {
      json({ type: 'summary', outcome, totalMs: total, sizes: [...sizes].map(([label, bytes]) => ({ label, bytes })) });
      return;
    }
    const sized = [...sizes].map(([label, bytes]) => `${label} ${formatBytes(bytes)}`).join(', ');
    line(`${outcome === 'done' ? 'finished' : outcome} in ${formatDuration(total)}${sized ? ` (${sized})` : ''}`);
  };

  return { sink, finish };
}
