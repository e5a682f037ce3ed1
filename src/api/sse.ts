/**
 * Server-sent events of a job: the events recorded so far (after the
 * client's `Last-Event-ID`, if any), then live ones, until the final `done`
 * or `failed` event ends the stream. A client leaving only unsubscribes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Job, JobEvent } from './jobs.js';

/** Comment line sent while nothing happens, so proxies and idle timeouts keep the stream open. */
const HEARTBEAT_MS = 15_000;

function formatEvent(event: JobEvent): string {
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

function isFinal(event: JobEvent): boolean {
  return event.type === 'done' || event.type === 'failed';
}

/** Streams `job`'s events on `res`. */
export function streamJobEvents(req: IncomingMessage, res: ServerResponse, job: Job): void {
  const after = Number(req.headers['last-event-id'] ?? 0) || 0;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write('retry: 2000\n\n');
  const backlog = job.events.filter((event) => event.seq > after);
  for (const event of backlog) res.write(formatEvent(event));
  if (backlog.some(isFinal) || (job.status !== 'running' && job.events.some(isFinal))) {
    res.end();
    return;
  }
  const heartbeat = setInterval(() => res.write(': still running\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const unsubscribe = job.subscribe((event) => {
    res.write(formatEvent(event));
    if (isFinal(event)) finish();
  });
  function finish(): void {
    clearInterval(heartbeat);
    unsubscribe();
    if (!res.writableEnded) res.end();
  }
  req.once('close', finish);
  res.once('close', finish);
}
