/**
 * Long API operations (image creation, cleaning, initramfs generation) run as
 * jobs: started by a request, answered at once with 202, then followed with
 * `GET /jobs/{id}` or as server-sent events. A job belongs to the server, not
 * to the request, so it keeps running when the client goes away.
 */
import { randomBytes } from 'node:crypto';
import type { ProgressEvent, ProgressSink } from '../core/progress.js';
import { errorAnswer, type ErrorBody } from './http-io.js';

/** State of a job. */
export type JobStatus = 'running' | 'succeeded' | 'failed';

/** One event of a job: a library progress event, then `done` or `failed` last. */
export interface JobEvent {
  /** Sequence number (the SSE event id). */
  seq: number;
  type: 'progress' | 'done' | 'failed';
  data: unknown;
}

/** The work of a job: gets a progress sink and an abort signal, returns the result. */
export type JobWork = (progress: ProgressSink, signal: AbortSignal) => Promise<unknown>;

/** Events kept per job for late subscribers; older progress is dropped (the final event is always kept). */
const MAX_EVENTS_PER_JOB = 500;
/** Finished jobs remembered; the oldest are forgotten first. */
const MAX_FINISHED_JOBS = 200;

/** One job. */
export class Job {
  readonly id = randomBytes(8).toString('hex');
  readonly created = new Date().toISOString();
  status: JobStatus = 'running';
  finished?: string;
  result?: unknown;
  error?: ErrorBody['error'];
  /** The last step announced, for status polls. */
  lastStep?: ProgressEvent;
  readonly events: JobEvent[] = [];
  private readonly listeners = new Set<(event: JobEvent) => void>();
  private seq = 0;
  readonly abort = new AbortController();
  /** Settles when the job ends (never rejects). */
  done: Promise<void> = Promise.resolve();

  constructor(readonly kind: string, readonly target: string) {}

  /** Records an event and hands it to the listeners. */
  emit(type: JobEvent['type'], data: unknown): void {
    this.seq += 1;
    const event: JobEvent = { seq: this.seq, type, data };
    this.events.push(event);
    if (this.events.length > MAX_EVENTS_PER_JOB) this.events.splice(0, this.events.length - MAX_EVENTS_PER_JOB);
    for (const listener of this.listeners) listener(event);
  }

  /** Calls `listener` for every later event; returns the unsubscribe function. */
  subscribe(listener: (event: JobEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Public view of the job, as the API shows it. */
  view(): Record<string, unknown> {
    return {
      id: this.id, kind: this.kind, target: this.target, status: this.status, created: this.created,
      finished: this.finished, result: this.result, error: this.error,
      step: this.lastStep?.type === 'step' ? { name: this.lastStep.step, index: this.lastStep.index, total: this.lastStep.total } : undefined,
      links: { self: `/api/v1/jobs/${this.id}`, events: `/api/v1/jobs/${this.id}/events` },
    };
  }
}

/** The jobs of one API server. */
export class JobManager {
  private readonly jobs = new Map<string, Job>();

  /** Starts `work` as a job and returns at once. */
  start(kind: string, target: string, work: JobWork): Job {
    const job = new Job(kind, target);
    this.jobs.set(job.id, job);
    const progress: ProgressSink = (event) => {
      if (job.status !== 'running') return;
      if (event.type === 'step') job.lastStep = event;
      job.emit('progress', event);
    };
    job.done = work(progress, job.abort.signal).then(
      (result) => {
        job.result = result;
        job.status = 'succeeded';
        job.finished = new Date().toISOString();
        job.emit('done', { status: job.status, result });
      },
      (error: unknown) => {
        job.error = errorAnswer(error).body.error;
        job.status = 'failed';
        job.finished = new Date().toISOString();
        job.emit('failed', { status: job.status, error: job.error });
      },
    ).finally(() => this.forgetOldJobs());
    return job;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** Every remembered job, oldest first. */
  list(): Job[] {
    return [...this.jobs.values()];
  }

  /** Asks every running job to stop and waits until all have ended (builds clean up after themselves). */
  async stopAll(): Promise<void> {
    const running = this.list().filter((job) => job.status === 'running');
    for (const job of running) job.abort.abort();
    await Promise.all(running.map((job) => job.done));
  }

  private forgetOldJobs(): void {
    const finished = this.list().filter((job) => job.status !== 'running');
    for (const job of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED_JOBS))) this.jobs.delete(job.id);
  }
}
