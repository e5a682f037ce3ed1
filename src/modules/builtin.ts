/**
 * The modules that ship with the tool, named here rather than found by
 * listing a folder: the bundled CLI (see docs/architecture.md) has no
 * `modules/` folder to list, and a bundler follows only imports it can see.
 * They are imported with the tool (a lazy import would split the bundle into
 * more files to read at every start-up, see docs/architecture.md) and loaded,
 * checked and registered on use, as a module dropped into the extra folder is.
 * Adding a built-in module = adding its folder and two lines here.
 */
import * as demo from './demo/index.js';
import * as livenet from './livenet/index.js';
import * as nfs from './nfs/index.js';

/** One built-in module: its folder's name and how to import its `index`. */
export interface BuiltinModule {
  folder: string;
  load: () => Promise<unknown>;
}

/** Built-in modules in folder-name order (the order `module list` shows). */
export const BUILTIN_MODULES: readonly BuiltinModule[] = [
  { folder: 'demo', load: async () => demo },
  { folder: 'livenet', load: async () => livenet },
  { folder: 'nfs', load: async () => nfs },
];
