/** Pieces shared by the route files: the 202 answer of a job and body field checks. */
import { UsageError } from '../../errors/index.js';
import type { Job } from '../jobs.js';
import type { RouteAnswer } from '../router.js';

/** `202 Accepted` with the job and a Location header pointing at it. */
export function accepted(job: Job): RouteAnswer {
  const view = job.view();
  return { status: 202, body: { job: view }, headers: { Location: `/api/v1/jobs/${job.id}` } };
}

/**
 * A required non-empty string field of a JSON body.
 * @throws UsageError E_API_MISSING_FIELD (422) when absent, empty or not a string.
 */
export function requireString(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') {
    throw new UsageError('E_API_MISSING_FIELD', `"${key}" must be a non-empty string`, `add "${key}" to the JSON body`);
  }
  return value;
}

/**
 * An optional non-empty string field (undefined when absent).
 * @throws UsageError E_API_BAD_FIELD (422) when present but empty or not a string.
 */
export function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new UsageError('E_API_BAD_FIELD', `"${key}" must be a non-empty string`, `fix "${key}"`);
  return value;
}
