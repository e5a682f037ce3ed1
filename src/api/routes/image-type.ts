/**
 * Resolves the `type` of `POST /images` (a module name or an image class
 * name) and checks the options with the class's own `parseOptions`.
 */
import { ConflictError, NotFoundError, UsageError } from '../../errors/index.js';
import type { AnyImageClass } from '../../core/image/image.js';
import type { Services } from '../../services/services.js';

/** The image class `type` names: a class name, or a module with a single class. */
export function resolveImageClass(services: Services, type: string): AnyImageClass {
  const byClass = services.images.imageClass(type);
  if (byClass) return byClass;
  const module = services.activeModules.find((m) => m.name === type);
  if (!module) {
    throw new NotFoundError('E_API_UNKNOWN_TYPE', `no loaded module or image class is called "${type}"`, 'see GET /api/v1/modules');
  }
  if (module.imageClasses.length !== 1) {
    throw new UsageError('E_API_AMBIGUOUS_TYPE', `module "${type}" has several image classes`,
      `give one of them as type: ${module.imageClasses.map((c) => c.className).join(', ')}`);
  }
  return module.imageClasses[0] as AnyImageClass;
}

/** Typed options of a creation, validated by the class. */
export function parseCreationOptions(imageClass: AnyImageClass, raw: unknown): unknown {
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
    throw new UsageError('E_API_BAD_OPTIONS', '"options" must be a JSON object', 'send {"type": ..., "name": ..., "options": {...}}');
  }
  if (!imageClass.parseOptions) {
    throw new UsageError('E_API_NO_OPTION_SCHEMA', `${imageClass.className} does not declare its options, so the API cannot create it`,
      'create it with its module\'s CLI command');
  }
  const options = imageClass.parseOptions((raw ?? {}) as Record<string, unknown>) as unknown;
  // A simulated crash (demo module) kills the process that builds: here, the API server itself.
  if ((options as { crash?: unknown } | undefined)?.crash === true) {
    throw new UsageError('E_API_CRASH_REFUSED', 'a simulated crash would kill the API server', 'use the CLI to try crashes');
  }
  return options;
}

/** Throws 409 E_IMAGE_EXISTS if something already goes by `name` (so the job does not start only to fail). */
export async function requireFreeName(services: Services, name: string): Promise<void> {
  try {
    const existing = await services.images.status(name);
    throw new ConflictError('E_IMAGE_EXISTS', `image "${name}" already exists (${existing.status})`, 'choose another name or remove it first');
  } catch (error) {
    if (error instanceof NotFoundError) return;
    throw error;
  }
}
