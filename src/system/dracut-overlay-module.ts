/**
 * The dracut module the tool ships, `diskless-overlay` (folder
 * `dracut/95diskless-overlay/` of the package): before switch-root it copies
 * the node's overlay files, which the kernel unpacked from the extra initrd
 * under {@link OVERLAY_INITRAMFS_PREFIX}, into the new root.
 *
 * dracut only reads modules from `<dracutbasedir>/modules.d`. Rather than
 * writing into the dracut folder of the host or of an OS tree (a system
 * folder, left changed by a kill), each call gets its own dracut base folder
 * in a scratch place: a link to every file of the system's dracut base, a
 * `modules.d` of links to the system's modules, and a copy of ours. dracut
 * is pointed at it with its `dracutbasedir` environment variable.
 */
import { cp, mkdir, readdir, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { packageFile } from './package-root.js';

/** Name of the module, as given to `dracut --add`. */
export const OVERLAY_DRACUT_MODULE = 'diskless-overlay';

/** Folder of the module inside `modules.d` (95: with the other root-related modules). */
export const OVERLAY_DRACUT_MODULE_DIR = '95diskless-overlay';

/**
 * Where the overlay's files sit inside the initramfs: the archive's entries
 * are `diskless-overlay/etc/hostname` etc., applied as `/etc/hostname`.
 */
export const OVERLAY_INITRAMFS_PREFIX = '/diskless-overlay';

/** The package's `dracut/` folder (from the compiled tree or the bundled CLI alike). */
export function shippedDracutModulesDir(): string {
  return packageFile('dracut');
}

/** The system's dracut base folder in `tree` (`/` for the host), as a path inside the tree; undefined without dracut. */
async function systemDracutBase(tree: string): Promise<string | undefined> {
  for (const base of ['/usr/lib/dracut', '/lib/dracut']) {
    const found = await stat(join(tree, base, 'modules.d')).catch(() => undefined);
    if (found?.isDirectory()) return base;
  }
  return undefined;
}

/** A module folder's name without its order number (`90kernel-network-modules` → `kernel-network-modules`). */
function moduleName(folder: string): string {
  return folder.replace(/^\d+/, '');
}

/**
 * Makes a dracut base folder at `into` (a host path, inside `tree` when
 * dracut runs chrooted there) that is the tree's own plus the shipped
 * module folders `shipped` (of the package's `dracut/`; default the
 * `diskless-overlay` module). Links point to paths as seen from inside the
 * tree, where dracut follows them. A system module of the same name
 * (whatever its order number) is replaced by ours.
 * @returns the base folder as dracut sees it (`insideInto`), or undefined when the tree has no dracut (dracut then fails on its own, naming the problem).
 */
export async function stageDracutBase(tree: string, into: string, insideInto: string,
  shipped: readonly string[] = [OVERLAY_DRACUT_MODULE_DIR]): Promise<string | undefined> {
  const base = await systemDracutBase(tree);
  if (!base) return undefined;
  await mkdir(join(into, 'modules.d'), { recursive: true });
  for (const entry of await readdir(join(tree, base))) {
    if (entry !== 'modules.d') await symlink(`${base}/${entry}`, join(into, entry));
  }
  const replaced = new Set(shipped.map(moduleName));
  for (const module of await readdir(join(tree, base, 'modules.d'))) {
    if (!replaced.has(moduleName(module))) await symlink(`${base}/modules.d/${module}`, join(into, 'modules.d', module));
  }
  for (const folder of shipped) {
    await cp(join(shippedDracutModulesDir(), folder), join(into, 'modules.d', folder), { recursive: true });
  }
  return insideInto;
}
