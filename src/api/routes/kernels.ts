/** `/kernels` routes: list, add (from a file on the server), generate an initramfs (job). */
import { UsageError } from '../../errors/index.js';
import { checkDracutArgs } from '../../system/dracut-args.js';
import { readJsonObject } from '../http-io.js';
import type { Route } from '../router.js';
import { accepted, optionalString, requireString } from './answers.js';
import { allowedSourceRoots, requireAllowedPath } from './server-paths.js';

export const kernelRoutes: Route[] = [
  {
    method: 'GET', path: '/kernels',
    handle: async ({ services }) => ({ status: 200, body: { kernels: await services.kernels.list() } }),
  },
  {
    method: 'POST', path: '/kernels',
    async handle({ req, services }) {
      const body = await readJsonObject(req);
      const roots = allowedSourceRoots(services.paths);
      const initramfs = optionalString(body, 'initramfs');
      const kernel = await services.kernels.add(await requireAllowedPath(requireString(body, 'path'), roots, 'kernel file'), {
        version: optionalString(body, 'version'),
        initramfs: initramfs === undefined ? undefined : await requireAllowedPath(initramfs, roots, 'initramfs file'),
      });
      return { status: 201, body: { kernel } };
    },
  },
  {
    method: 'POST', path: '/kernels/{kernel}/initramfs',
    async handle({ req, services, params, jobs }) {
      const body = await readJsonObject(req);
      const kernel = params.kernel as string;
      const tree = optionalString(body, 'chroot');
      const chroot = tree === undefined ? undefined : await requireAllowedPath(tree, allowedSourceRoots(services.paths), 'OS tree');
      const extra = body.dracutArgs ?? [];
      if (!Array.isArray(extra) || extra.some((a) => typeof a !== 'string')) {
        throw new UsageError('E_API_BAD_FIELD', '"dracutArgs" must be a list of strings', 'send e.g. ["--add-drivers", "virtio_net"]');
      }
      checkDracutArgs(extra as string[], 'dracutArgs');
      if (body.full !== undefined && typeof body.full !== 'boolean') {
        throw new UsageError('E_API_BAD_FIELD', '"full" must be true or false', 'send "full": true for every driver of the kernel (xz), or leave it out');
      }
      const profile = body.full === true ? 'full' : 'node';
      await services.kernels.get(kernel);
      return accepted(jobs.start('kernel.initramfs', kernel, async (progress, signal) => {
        progress({ type: 'step', step: `dracut for ${kernel}`, index: 1, total: 1 });
        return services.kernels.generateInitramfs(kernel, { chroot, extraArgs: extra as string[], profile, signal });
      }));
    },
  },
];
