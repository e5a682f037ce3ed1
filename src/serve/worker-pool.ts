/**
 * The primary's side of a boot server run as several `node:cluster` workers
 * sharing one listening port (`serve --workers N`), as nginx runs one worker
 * per core: on a busy machine, several processes get the CPU more often than
 * one event loop (docs/benchmarks.md, "Boot storm").
 *
 * The primary accepts nothing itself (round-robin: node:cluster hands each
 * connection to a worker); it receives the workers' served events and log
 * lines (worker-link.ts) and hands them to the callbacks given here, so what
 * is recorded from them stays in one process. A worker that dies is started
 * again; one that cannot start again ends the pool (`failed`), so the
 * command stops cleanly instead of serving with fewer workers than asked.
 * Workers stop with the pool, and by themselves when the primary is gone
 * (their IPC channel closes).
 */
import cluster, { type Worker } from 'node:cluster';
import { ConflictError, OperationError } from '../errors/index.js';
import type { ServedObserver } from './served-event.js';
import { isWorkerMessage, type WorkerMessage } from './worker-link.js';

/** Options of {@link startWorkerPool}. */
export interface WorkerPoolOptions {
  /** Number of workers (at least 1). */
  count: number;
  /** Module each worker runs (absolute path); it must serve, then send `listening` or `failed`. */
  exec: string;
  /** Arguments of the workers' `exec` (default none). */
  args?: string[];
  /** Added to each worker's environment (how it learns what to serve). */
  env?: Record<string, string>;
  /** Told about each served event of any worker, in the primary. */
  onServed?: ServedObserver;
  /** Receives the workers' access-log lines. */
  accessLog?: (line: string) => void;
  /** Receives the workers' error lines and the pool's own (a worker died, was restarted). */
  errorLog?: (line: string) => void;
}

/** Running workers. */
export interface WorkerPool {
  /** Base URL the workers answer on. */
  url: string;
  /** Process ids of the workers now running. */
  pids(): number[];
  /** Resolves with the reason (OperationError E_SERVE_WORKER_FAILED...) if a worker died and could not be started again; the pool is then stopped. */
  failed: Promise<Error>;
  /** Stops every worker (downloads in progress are cut) and waits until they have exited. */
  close(): Promise<void>;
}

/** A worker that does not exit this long after SIGTERM is killed. */
const STOP_GRACE_MS = 5000;

function workerFailure(message: string): OperationError {
  return new OperationError('E_SERVE_WORKER_FAILED', message, 'see the lines logged before it; `serve` without --workers runs in one process');
}

function startupError(message: Extract<WorkerMessage, { kind: 'failed' }>): Error {
  // The one start-up failure a user causes and must be told about in one line (exit code of a conflict).
  if (message.code === 'E_SERVE_PORT_IN_USE') return new ConflictError(message.code, message.message, message.fix);
  return workerFailure(`a serve worker could not start: ${message.message}`);
}

/**
 * Forks one worker and resolves with its URL once it listens.
 * @throws the worker's start-up failure (ConflictError E_SERVE_PORT_IN_USE), or OperationError E_SERVE_WORKER_FAILED.
 */
function forkWorker(options: WorkerPoolOptions, onMessage: (message: WorkerMessage) => void): { worker: Worker; listening: Promise<string> } {
  const worker = cluster.fork(options.env ?? {});
  const listening = new Promise<string>((resolve, reject) => {
    worker.on('message', (message: unknown) => {
      if (!isWorkerMessage(message)) return;
      if (message.kind === 'listening') resolve(message.url);
      else if (message.kind === 'failed') reject(startupError(message));
      else onMessage(message);
    });
    worker.once('exit', (code, signal) => reject(workerFailure(`a serve worker exited before listening (${signal ?? `exit code ${code}`})`)));
  });
  listening.catch(() => undefined);
  return { worker, listening };
}

function stopWorker(worker: Worker): Promise<void> {
  if (worker.isDead()) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => worker.process.kill('SIGKILL'), STOP_GRACE_MS);
    worker.once('exit', () => { clearTimeout(force); resolve(); });
    worker.process.kill('SIGTERM');
  });
}

/**
 * Starts `count` workers running `exec` and resolves once all of them listen.
 * @throws ConflictError E_SERVE_PORT_IN_USE when the port is taken; OperationError E_SERVE_WORKER_FAILED when a worker failed otherwise
 *   (every worker started is stopped first).
 */
export async function startWorkerPool(options: WorkerPoolOptions): Promise<WorkerPool> {
  if (!cluster.isPrimary) throw new Error('internal: a worker pool is started by the primary process only');
  cluster.setupPrimary({ exec: options.exec, args: options.args ?? [] });
  const workers = new Set<Worker>();
  let closing = false;
  // Until every first worker listens, a death is a failed start (reported by `listening`), not a crash to repair.
  let started = false;
  let fail: (error: Error) => void = () => {};
  const failed = new Promise<Error>((resolve) => { fail = resolve; });
  const dispatch = (message: WorkerMessage) => {
    try {
      if (message.kind === 'served') options.onServed?.(message.event);
      else if (message.kind === 'access') options.accessLog?.(message.line);
      else if (message.kind === 'error') options.errorLog?.(message.line);
    } catch (error) {
      options.errorLog?.(`serve worker message: ${(error as Error)?.message ?? String(error)}`);
    }
  };
  const close = async () => {
    closing = true;
    await Promise.all([...workers].map(stopWorker));
  };
  const launch = (): Promise<string> => {
    const { worker, listening } = forkWorker(options, dispatch);
    workers.add(worker);
    worker.once('exit', (code, signal) => {
      workers.delete(worker);
      if (started && !closing) void replace(worker.process.pid, signal ?? `exit code ${code}`);
    });
    return listening;
  };
  const replace = async (pid: number | undefined, how: string) => {
    options.errorLog?.(`serve worker ${pid ?? '?'} stopped (${how}): starting another`);
    try {
      await launch();
    } catch (error) {
      options.errorLog?.(`serve worker could not be started again: ${(error as Error).message}`);
      await close();
      fail(error as Error);
    }
  };
  let urls: string[];
  try {
    urls = await Promise.all(Array.from({ length: Math.max(1, options.count) }, launch));
  } catch (error) {
    await close();
    throw error;
  }
  started = true;
  return {
    url: urls[0] ?? '',
    pids: () => [...workers].map((worker) => worker.process.pid).filter((pid): pid is number => pid !== undefined),
    failed,
    close,
  };
}
