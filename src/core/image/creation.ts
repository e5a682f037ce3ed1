/**
 * The one way from raw options to a build that can start: used by every
 * module's create command and by `POST /api/v1/images`, so both refuse the
 * same input with the same codes before anything is registered. Also the one
 * answer to "is this image name free".
 */
import { lstat } from 'node:fs/promises';
import { ConflictError, NotFoundError, UsageError } from '../../errors/index.js';
import { validateImageName } from '../names.js';
import { creatorAlive } from '../state/installations.js';
import type { ImageContext } from './context.js';
import type { AnyImageClass, CreationRequest } from './image.js';

/**
 * Throws ConflictError E_IMAGE_EXISTS if `name` (validated first, E_IMAGE_NAME)
 * is taken: an image folder (whatever state it is in, even a dangling link)
 * or a build or removal registered in installations.yml; a CORRUPTED image
 * (its build was killed) is named as such, with the `image clean` that frees the name.
 */
export async function requireFreeName(context: ImageContext, name: string): Promise<void> {
  validateImageName(name);
  const folder = await lstat(context.paths.imageDir(name)).then(() => true, (error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return false;
    throw error;
  });
  const entry = (await context.installations.read())[name];
  // A registered build whose process is gone (killed) left a CORRUPTED image: say so and name the command that clears it.
  if (entry && !creatorAlive(entry)) {
    throw new ConflictError('E_IMAGE_EXISTS', `image "${name}" already exists and is corrupted (a build or removal by pid ${entry.pid} was killed)`,
      `remove what is left with \`disklessset image clean ${name}\`, then create it again`);
  }
  if (entry) {
    throw new ConflictError('E_IMAGE_EXISTS', `image "${name}" is being created or removed (pid ${entry.pid})`,
      'choose another name, or wait for that command to end');
  }
  if (folder) throw new ConflictError('E_IMAGE_EXISTS', `image "${name}" already exists`, 'choose another name or remove it first');
}

/**
 * True when `imageClass` can be created from raw options alone (it has
 * `prepare` or `parseOptions`), which is what `prepareCreation` needs and what
 * `GET /api/v1/modules` reports as `api_creatable`.
 */
export function isCreatableFromOptions(imageClass: AnyImageClass): boolean {
  return Boolean(imageClass.prepare ?? imageClass.parseOptions);
}

/** What a creation needs of the image manager (`ImageManager` fulfils it). */
export interface CreationHost {
  readonly context: ImageContext;
  imageClass(className: string): AnyImageClass | undefined;
}

/**
 * Checks everything a creation of `name` with class `className` can be
 * refused for, in this order: the name (E_IMAGE_NAME), the class
 * (E_CLASS_NOT_FOUND), the name is free (E_IMAGE_EXISTS), then the class's
 * `prepare` (or `parseOptions` and `check`). Returns the typed options to
 * hand to `ImageManager.create`. Nothing is written.
 * @throws UsageError E_IMAGE_NAME, E_API_NO_OPTION_SCHEMA (a class without
 * `prepare` nor `parseOptions`); NotFoundError E_CLASS_NOT_FOUND;
 * ConflictError E_IMAGE_EXISTS; and the codes of the class's own checks.
 */
export async function prepareCreation<Options = unknown>(host: CreationHost, className: string, name: string,
  raw: Record<string, unknown>, request: CreationRequest): Promise<Options> {
  validateImageName(name);
  const imageClass = host.imageClass(className);
  if (!imageClass) throw new NotFoundError('E_CLASS_NOT_FOUND', `no loaded module provides ${className}`, 'see `disklessset module list`');
  await requireFreeName(host.context, name);
  if (!isCreatableFromOptions(imageClass)) {
    throw new UsageError('E_API_NO_OPTION_SCHEMA', `${className} does not declare its options, so it cannot be created from them`,
      'create it with its module\'s own command');
  }
  if (imageClass.prepare) return await imageClass.prepare(host.context, raw, request) as Options;
  // Creatable without `prepare` means `parseOptions` is there.
  const options = imageClass.parseOptions?.(raw) as Options;
  await imageClass.check?.(host.context, options, { sourceRoots: request.sourceRoots });
  return options;
}
