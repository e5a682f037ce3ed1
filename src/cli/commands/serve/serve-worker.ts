/**
 * A worker process of `serve --workers N`: serves the boot tree on the port
 * the workers share (node:cluster) with the same checks as a single serve
 * (access policy of the overlay archives included), and forwards what it
 * served and logged to the primary (serve/worker-link.ts), which records it.
 * The primary hands over what to serve in {@link SERVE_WORKER_ENV}; the
 * worker stops on SIGTERM/SIGINT, and when the primary is gone.
 */
import { overlayAccessPolicy } from '../../../boot/overlays/access.js';
import { Paths, PATH_KEYS, type PathKey } from '../../../core/paths.js';
import { createBootServer } from '../../../serve/static-server.js';
import { forwardingHooks, type WorkerMessage } from '../../../serve/worker-link.js';

/** Environment variable holding a worker's settings (JSON of {@link ServeWorkerSettings}). */
export const SERVE_WORKER_ENV = 'DISKLESS_SERVE_WORKER';

/** What a worker serves: the primary's root prefix and locations (already checked there), address and port. */
export interface ServeWorkerSettings {
  root: string;
  paths: Record<PathKey, string>;
  listen?: string;
  port: number;
}

/** The settings for the workers of a serve over `paths`. */
export function workerSettings(paths: Paths, listen: string | undefined, port: number): ServeWorkerSettings {
  const logical = Object.fromEntries(PATH_KEYS.map((key) => [key, paths.logical(key)])) as Record<PathKey, string>;
  return { root: paths.root, paths: logical, listen, port };
}

function sendAndWait(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) { resolve(); return; }
    process.send(message, undefined, {}, () => resolve());
  });
}

/**
 * Runs one worker until it is told to stop; resolves with its exit code.
 * Start-up failures (port in use...) are sent to the primary, which reports them.
 */
export async function runServeWorker(settingsText: string): Promise<number> {
  if (!process.send) return 2; // not started by a serve primary: nothing to report to
  const settings = JSON.parse(settingsText) as ServeWorkerSettings;
  const paths = new Paths(settings.root, settings.paths);
  const hooks = forwardingHooks(process.send.bind(process) as (message: WorkerMessage) => boolean);
  // As in the primary: a stray rejection of a request's background work must not stop this worker.
  process.on('unhandledRejection', (error) => hooks.errorLog(`internal error (kept serving): ${(error as Error)?.message ?? String(error)}`));
  let boot;
  try {
    boot = await createBootServer({
      root: paths.httpRoot, listen: settings.listen, port: settings.port, ...hooks,
      // Archives holding secrets go to their node's registered address only.
      access: overlayAccessPolicy(paths),
    });
  } catch (error) {
    const { code, message, hint } = error as { code?: string; message?: string; hint?: string };
    await sendAndWait({ kind: 'failed', code, message: message ?? String(error), fix: hint });
    return 1;
  }
  const stopped = new Promise<void>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, () => resolve());
    // The primary is gone (killed, crashed): no worker stays behind serving unrecorded.
    process.once('disconnect', () => resolve());
  });
  await sendAndWait({ kind: 'listening', url: boot.url });
  await stopped;
  await boot.close();
  return 0;
}
