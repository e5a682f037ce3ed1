/**
 * The modules that ship with the tool, named here rather than found by
 * listing a folder: the bundled CLI (see docs/architecture.md) has no
 * `modules/` folder to list, and a bundler follows only imports it can see.
 * Each is imported on use, as a module dropped into the extra folder is.
 * Adding a built-in module = adding its folder and one line here.
 */

/** One built-in module: its folder's name and how to import its `index`. */
export interface BuiltinModule {
  folder: string;
  load: () => Promise<unknown>;
}

/** Built-in modules in folder-name order (the order `module list` shows). */
export const BUILTIN_MODULES: readonly BuiltinModule[] = [
  { folder: 'demo', load: () => import('./demo/index.js') },
  { folder: 'livenet', load: () => import('./livenet/index.js') },
  { folder: 'nfs', load: () => import('./nfs/index.js') },
];
