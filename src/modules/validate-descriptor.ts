/** Checks that a module's export really is a {@link ModuleDescriptor} before anything uses it. */
import { MODULE_API_VERSION, type ModuleDescriptor } from './contract.js';

const MODULE_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const RESERVED = new Set(['image', 'kernel', 'module', 'nodeset', 'boot', 'serve', 'api', 'http-config', 'help', 'menu']);

/** Returns the problems found (empty when the descriptor is valid). */
export function descriptorProblems(candidate: unknown): string[] {
  if (!candidate || typeof candidate !== 'object') return ['the module exports no descriptor object'];
  const d = candidate as Partial<ModuleDescriptor>;
  const problems: string[] = [];
  if (typeof d.name !== 'string' || !MODULE_NAME.test(d.name)) problems.push('name must be a lower-case word');
  else if (RESERVED.has(d.name)) problems.push(`name "${d.name}" is reserved by a core command`);
  if (d.apiVersion !== MODULE_API_VERSION) problems.push(`apiVersion must be ${MODULE_API_VERSION} (got ${String(d.apiVersion)})`);
  if (typeof d.description !== 'string') problems.push('description must be a string');
  if (!Array.isArray(d.imageClasses)) {
    problems.push('imageClasses must be an array');
  } else {
    d.imageClasses.forEach((c, i) => {
      const cls = c as unknown as Record<string, unknown> | undefined;
      if (!cls || typeof cls.className !== 'string' || !/^[A-Za-z]\w*$/.test(cls.className)) problems.push(`imageClasses[${i}] has no valid className`);
      for (const method of ['load', 'create', 'clean']) {
        if (typeof cls?.[method] !== 'function') problems.push(`imageClasses[${i}].${method} must be a function`);
      }
    });
  }
  if (d.commands !== undefined) {
    if (!Array.isArray(d.commands)) problems.push('commands must be an array');
    else d.commands.forEach((c, i) => {
      if (!Array.isArray(c?.path) || c.path.length === 0 || typeof c.run !== 'function' || typeof c.summary !== 'string') {
        problems.push(`commands[${i}] needs path, summary and run`);
      }
    });
  }
  if (d.menu !== undefined && (!Array.isArray(d.menu) || !d.menu.every((a) => typeof a?.label === 'string' && typeof a.run === 'function'))) {
    problems.push('menu must be an array of {label, run}');
  }
  if (d.requiredTools !== undefined && (!Array.isArray(d.requiredTools) || !d.requiredTools.every((t) => typeof t === 'string'))) {
    problems.push('requiredTools must be an array of program names');
  }
  return problems;
}
