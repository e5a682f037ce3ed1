/**
 * The second dracut module the tool ships, `diskless-fetch` (folder
 * `dracut/96diskless-fetch/` of the package): it takes over livenet's fetch
 * of the root image when the kernel command line asks for boot server
 * failover (`diskless.servers=`) or peer-to-peer (`diskless.p2p=1`), and
 * hands the local copy to dmsquash-live as livenet would (see the module's
 * scripts and docs/scale.md). Staged beside the system's modules like
 * `diskless-overlay` (see dracut-overlay-module.ts).
 *
 * The peer-to-peer path runs aria2c inside the initramfs, so the module is
 * added only when the tree dracut runs in (the host, or the `--chroot`
 * tree) has aria2c: dracut would otherwise refuse the whole build.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';

/** Name of the module, as given to `dracut --add`. */
export const FETCH_DRACUT_MODULE = 'diskless-fetch';

/** Folder of the module inside `modules.d` (96: after livenet and dmsquash-live, 90). */
export const FETCH_DRACUT_MODULE_DIR = '96diskless-fetch';

/** Where a Debian or EL tree keeps aria2c (the aria2 package). */
const ARIA2C_PLACES = ['usr/bin/aria2c', 'bin/aria2c', 'usr/local/bin/aria2c'];

/**
 * Whether `tree` (`/` for the host) has aria2c, so the module can go in.
 * Only looks (no program is run).
 */
export async function treeHasAria2c(tree: string): Promise<boolean> {
  for (const place of ARIA2C_PLACES) {
    try {
      await access(join(tree, place));
      return true;
    } catch { /* not there */ }
  }
  return false;
}
