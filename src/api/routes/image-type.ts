/**
 * Resolves the `type` of `POST /images` (a module name or an image class
 * name) and reads the body's `options`; the options themselves are checked
 * by the class, through `prepareCreation` (the CLI's path too).
 */
import { NotFoundError, UsageError } from '../../errors/index.js';
import type { AnyImageClass } from '../../core/image/image.js';
import type { Services } from '../../services/services.js';

/**
 * The image class `type` names: a class name, or a module with a single class.
 * @throws NotFoundError E_API_UNKNOWN_TYPE; UsageError E_API_AMBIGUOUS_TYPE
 * (a module with several classes: name the class).
 */
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

/**
 * The `options` of a creation body as an object (absent: empty).
 * @throws UsageError E_API_BAD_OPTIONS for another JSON value.
 */
export function creationOptions(raw: unknown): Record<string, unknown> {
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
    throw new UsageError('E_API_BAD_OPTIONS', '"options" must be a JSON object', 'send {"type": ..., "name": ..., "options": {...}}');
  }
  return (raw ?? {}) as Record<string, unknown>;
}
