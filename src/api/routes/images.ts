/** `/images` routes: list, show, create (job), rebuild (job), remove, clean (job), change kernel, versions (history, rollback). */
import { validateImageName } from '../../core/names.js';
import { foldNodes } from '../../nodeset/index.js';
import { readJsonObject } from '../http-io.js';
import type { Route, RouteAnswer, RouteContext } from '../router.js';
import { accepted, requireString } from './answers.js';
import { creationOptions, resolveImageClass } from './image-type.js';
import { prepareCreation } from '../../core/image/creation.js';
import { allowedSourceRoots } from './server-paths.js';

async function createImage({ req, services, jobs }: RouteContext): Promise<RouteAnswer> {
  const body = await readJsonObject(req);
  const imageClass = resolveImageClass(services, requireString(body, 'type'));
  const name = validateImageName(requireString(body, 'name'));
  // The same preparation as the CLI's create: every check answers now (422, 409) rather than failing the job;
  // server paths are confined like the other API paths, and no file of the server is read.
  const options = await prepareCreation(services.images, imageClass.className, name, creationOptions(body.options),
    { origin: 'api', sourceRoots: allowedSourceRoots(services.paths) });
  const job = jobs.start('image.create', name, async (progress, signal) => {
    await services.images.create(imageClass.className, name, options, { progress, signal });
    return services.images.status(name);
  });
  return accepted(job);
}

/** The nodes a forced removal or clean unassigned, as every answer names a node set (docs/json.md). */
function unassignedAnswer(nodes: readonly string[]): { unassignedNodes: string; unassignedNodeCount: number } {
  return { unassignedNodes: nodes.length ? foldNodes(nodes) : '', unassignedNodeCount: nodes.length };
}

export const imageRoutes: Route[] = [
  {
    method: 'GET', path: '/images',
    handle: async ({ services }) => ({ status: 200, body: { images: await services.images.list() } }),
  },
  { method: 'POST', path: '/images', handle: createImage },
  {
    method: 'GET', path: '/images/{name}',
    handle: async ({ services, params }) => ({ status: 200, body: { image: await services.images.status(params.name as string) } }),
  },
  {
    method: 'DELETE', path: '/images/{name}',
    async handle({ services, params, query }) {
      const name = params.name as string;
      const { unassigned } = await services.images.remove(name, { force: query.get('force') === 'true' });
      return { status: 200, body: { name, removed: true, ...unassignedAnswer(unassigned) } };
    },
  },
  {
    method: 'POST', path: '/images/{name}/clean',
    async handle({ services, params, query, jobs }) {
      const name = params.name as string;
      await services.images.status(name);
      const force = query.get('force') === 'true';
      return accepted(jobs.start('image.clean', name, async () => {
        const { unassigned } = await services.images.clean(name, { force });
        return { name, cleaned: true, ...unassignedAnswer(unassigned) };
      }));
    },
  },
  {
    method: 'POST', path: '/images/{name}/rebuild',
    async handle({ services, params, jobs }) {
      const name = params.name as string;
      // Refused now (422, 404) rather than as a failed job.
      await services.images.requireRebuildable(name);
      return accepted(jobs.start('image.rebuild', name, async (progress, signal) => {
        const { warnings, version, unchanged } = await services.images.rebuild(name, { progress, signal });
        return { name, rebuilt: true, version: version ?? null, unchanged: unchanged === true, warnings };
      }));
    },
  },
  {
    method: 'PUT', path: '/images/{name}/kernel',
    async handle({ req, services, params }) {
      const kernel = requireString(await readJsonObject(req), 'kernel');
      const image = await services.images.setKernel(params.name as string, kernel);
      return { status: 200, body: { image: await services.images.status(image.name) } };
    },
  },
  {
    method: 'GET', path: '/images/{name}/history',
    async handle({ services, params }) {
      const name = params.name as string;
      return { status: 200, body: { name, versions: await services.images.history(name) } };
    },
  },
  {
    method: 'POST', path: '/images/{name}/rollback',
    async handle({ req, services, params }) {
      const name = params.name as string;
      // The same explicit target as `image rollback --to`: an id or `previous`.
      const outcome = await services.images.rollback(name, requireString(await readJsonObject(req), 'to'));
      return { status: 200, body: { name, ...outcome } };
    },
  },
];
