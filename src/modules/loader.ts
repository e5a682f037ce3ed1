/**
 * Loads the image modules at run time: the built-in ones (builtin.ts), then
 * every module found in the extra folder (`<name>/index.js`, `<name>.js` or
 * `<name>.mjs`). Each is validated; a broken one is reported and skipped,
 * never fatal.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { which } from '../system/runner.js';
import type { LoadedModule, ModuleDescriptor } from './contract.js';
import { descriptorProblems } from './validate-descriptor.js';
import { BUILTIN_MODULES, type BuiltinModule } from './builtin.js';

async function candidates(folder: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  // Plain code-unit order: `localeCompare` would load ICU's collation data, tens of milliseconds on every command.
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.')) continue;
    const full = join(folder, entry.name);
    if (entry.isDirectory()) {
      for (const index of ['index.js', 'index.mjs']) {
        if (await stat(join(full, index)).then((s) => s.isFile(), () => false)) {
          found.push(join(full, index));
          break;
        }
      }
    } else if (/\.m?js$/.test(entry.name)) {
      found.push(full);
    }
  }
  return found;
}

/** `source` of a built-in module as `module list` shows it (its code may be bundled, so no file path). */
function builtinSource(module: BuiltinModule): string {
  return `builtin:${module.folder}`;
}

async function loadOne(source: string, builtin: boolean, load: () => Promise<unknown>): Promise<LoadedModule> {
  try {
    const exported = (await load()) as { default?: unknown; module?: unknown };
    const descriptor = exported.default ?? exported.module;
    const problems = descriptorProblems(descriptor);
    if (problems.length > 0) return { source, builtin, status: 'broken', error: problems.join('; ') };
    return { source, builtin, status: 'ok', descriptor: descriptor as ModuleDescriptor };
  } catch (error) {
    return { source, builtin, status: 'broken', error: `cannot load: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** Loads the built-in modules, then those of `extraFolder`. Names and class names must be unique. */
export async function loadModules(extraFolder: string): Promise<LoadedModule[]> {
  const extras = await candidates(extraFolder);
  const loaded = await Promise.all([
    ...BUILTIN_MODULES.map((module) => loadOne(builtinSource(module), true, module.load)),
    ...extras.map((file) => loadOne(file, false, () => import(pathToFileURL(file).href))),
  ]);
  const names = new Set<string>();
  const classes = new Set<string>();
  for (const module of loaded) {
    const descriptor = module.descriptor;
    if (!descriptor) continue;
    const clash = names.has(descriptor.name) ? `module name "${descriptor.name}" is already taken`
      : descriptor.imageClasses.map((c) => c.className).find((c) => classes.has(c));
    if (clash) {
      Object.assign(module, { status: 'broken', descriptor: undefined,
        error: clash.startsWith('module') ? clash : `image class ${clash} is already provided by another module` });
      continue;
    }
    names.add(descriptor.name);
    for (const c of descriptor.imageClasses) classes.add(c.className);
  }
  return loaded;
}

/** Fills `missingTools` of each working module (a PATH look-up per tool). */
export async function checkModuleTools(modules: LoadedModule[]): Promise<void> {
  for (const module of modules) {
    if (!module.descriptor?.requiredTools) continue;
    const missing: string[] = [];
    for (const tool of module.descriptor.requiredTools) if (!(await which(tool))) missing.push(tool);
    module.missingTools = missing;
  }
}
