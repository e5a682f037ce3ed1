/**
 * A worker module for the worker-pool tests (run by node:cluster, not by the
 * test runner): serves SERVE_FIXTURE_ROOT on 127.0.0.1, port
 * SERVE_FIXTURE_PORT, forwarding its served events and log lines to the
 * primary as `serve --workers` workers do, and stops on SIGTERM or when the
 * primary is gone.
 */
import { createBootServer } from '../../src/serve/static-server.js';
import { forwardingHooks, type WorkerMessage } from '../../src/serve/worker-link.js';

const send = process.send?.bind(process) as ((message: WorkerMessage) => boolean) | undefined;
try {
  const boot = await createBootServer({
    root: process.env.SERVE_FIXTURE_ROOT ?? '', listen: '127.0.0.1', port: Number(process.env.SERVE_FIXTURE_PORT ?? 0),
    ...forwardingHooks(send),
  });
  const stop = () => { void boot.close().then(() => process.exit(0)); };
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  send?.({ kind: 'listening', url: boot.url });
} catch (error) {
  const { code, message } = error as { code?: string; message: string };
  process.send?.({ kind: 'failed', code, message } satisfies WorkerMessage, () => process.exit(1));
}
