/**
 * The messages between the processes of a boot server run as several
 * `node:cluster` workers (`serve --workers N`): each worker serves files and
 * tells the primary what it served and what it would have logged, so what is
 * recorded from the served events (node status) and the logs stay in one
 * process, in order per worker. Kept apart from the cluster handling
 * (worker-pool.ts) so a worker loads only this.
 */
import type { ServedEvent, ServedObserver } from './served-event.js';

/** One message of a worker to the primary. */
export type WorkerMessage =
  | { kind: 'listening'; url: string }
  | { kind: 'failed'; code?: string; message: string; fix?: string }
  | { kind: 'served'; event: ServedEvent }
  | { kind: 'access'; line: string }
  | { kind: 'error'; line: string };

/** How a worker reaches the primary (`process.send`); undefined outside a worker. */
export type SendToPrimary = ((message: WorkerMessage) => boolean) | undefined;

/** True for a message a worker sent (anything else on the channel is ignored). */
export function isWorkerMessage(value: unknown): value is WorkerMessage {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return kind === 'listening' || kind === 'failed' || kind === 'served' || kind === 'access' || kind === 'error';
}

/**
 * The worker's side: a served-event observer and the two log callbacks of
 * the boot server, each forwarding to the primary. A message that cannot be
 * sent (the primary is gone, the worker is stopping) is dropped: the worker
 * is then about to stop anyway.
 */
export function forwardingHooks(send: SendToPrimary): {
  onServed: ServedObserver; accessLog: (line: string) => void; errorLog: (line: string) => void;
} {
  const post = (message: WorkerMessage) => {
    try {
      send?.(message);
    } catch {
      // Channel closed: nothing to forward to.
    }
  };
  return {
    onServed: (event) => post({ kind: 'served', event }),
    accessLog: (line) => post({ kind: 'access', line }),
    errorLog: (line) => post({ kind: 'error', line }),
  };
}
