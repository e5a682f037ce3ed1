/** `/modules` route: the image modules, their status and their image classes. */
import { isCreatableFromOptions } from '../../core/image/creation.js';
import type { Route } from '../router.js';

export const moduleRoutes: Route[] = [
  {
    method: 'GET', path: '/modules',
    async handle({ services }) {
      const modules = services.modules.map((m) => ({
        name: m.descriptor?.name, status: m.status, builtin: m.builtin, description: m.descriptor?.description,
        image_classes: m.descriptor?.imageClasses.map((c) => ({ name: c.className, description: c.description, api_creatable: isCreatableFromOptions(c) })) ?? [],
        error: m.error,
      }));
      return { status: 200, body: { modules } };
    },
  },
];
