/** `/jobs` routes: the jobs of this server, one job, and its event stream. */
import { HttpError } from '../http-io.js';
import type { Job } from '../jobs.js';
import type { Route, RouteContext } from '../router.js';
import { streamJobEvents } from '../sse.js';

function requireJob({ jobs, params }: RouteContext): Job {
  const job = jobs.get(params.id as string);
  if (!job) throw new HttpError(404, 'E_API_JOB_NOT_FOUND', `no job "${params.id}"`, 'jobs are forgotten when the server restarts; see GET /api/v1/jobs');
  return job;
}

export const jobRoutes: Route[] = [
  {
    method: 'GET', path: '/jobs',
    handle: async ({ jobs }) => ({ status: 200, body: { jobs: jobs.list().map((job) => job.view()) } }),
  },
  {
    method: 'GET', path: '/jobs/{id}',
    handle: async (context) => ({ status: 200, body: { job: requireJob(context).view() } }),
  },
  {
    method: 'GET', path: '/jobs/{id}/events',
    async handle(context) {
      streamJobEvents(context.req, context.res, requireJob(context));
      return undefined;
    },
  },
];
