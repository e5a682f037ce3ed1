/**
 * Background load of the boot-storm bench: BUSY processes that each spin on
 * one CPU, started before a server's run and stopped after it, the same for
 * nginx and for disklessset serve. A boot server usually shares its machine
 * with other work; this makes that situation reproducible instead of
 * depending on what other users happen to run.
 */
import { availableParallelism } from 'node:os';
import { run } from '../src/system/runner.js';

/** Number of busy processes: BOOT_STORM_BACKGROUND, default one per core (0 = quiet run). */
export function backgroundCount(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.BOOT_STORM_BACKGROUND;
  if (value === undefined || value === '') return availableParallelism();
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0) throw new Error(`BOOT_STORM_BACKGROUND must be a whole number, got ${value}`);
  return count;
}

/** Runs `action` while `count` CPU-bound processes compete with it; they are stopped afterwards. */
export async function withBackgroundLoad<T>(count: number, action: () => Promise<T>): Promise<T> {
  const controller = new AbortController();
  // A pure spin: no memory, no I/O, so it takes CPU time and nothing else.
  const spinners = Array.from({ length: count }, () =>
    run([process.execPath, '-e', 'for (;;) {}'], { signal: controller.signal }).catch(() => { /* stopped on purpose */ }));
  try {
    return await action();
  } finally {
    controller.abort();
    await Promise.all(spinners);
  }
}
