/**
 * Kernel arguments of a node that fetches its root image peer-to-peer (its
 * `p2p` attribute, issue 17). The initramfs side (dracut module
 * 96diskless-fetch) reads them: with `diskless.p2p=1` it fetches
 * `<root image URL>.torrent`, checks the download against `<...>.sha256`,
 * seeds for `diskless.p2p.seed` seconds after boot, and falls back to plain
 * HTTP on any failure.
 */

import { DEFAULT_CONFIG, loadConfig } from '../../core/config.js';
import type { Paths } from '../../core/paths.js';

/** Kernel argument turning the peer-to-peer fetch on. */
export const P2P_KERNEL_ARGUMENT = 'diskless.p2p';
/** Kernel argument giving the seeding time after boot, in seconds. */
export const P2P_SEED_KERNEL_ARGUMENT = 'diskless.p2p.seed';

/** The kernel arguments of a peer-to-peer node that seeds `seedSeconds` (a whole number) after boot. */
export function p2pKernelArguments(seedSeconds: number): string {
  if (!Number.isInteger(seedSeconds) || seedSeconds < 0) throw new Error(`internal: invalid seeding time ${seedSeconds}`);
  return `${P2P_KERNEL_ARGUMENT}=1 ${P2P_SEED_KERNEL_ARGUMENT}=${seedSeconds}`;
}

/**
 * Seeding time of peer-to-peer nodes (`p2p_seed_seconds`, seconds); the
 * default when the config cannot be read now (the commands that read it report why).
 */
export async function configuredSeedSeconds(paths: Paths): Promise<number> {
  return (await loadConfig(paths.root).catch(() => DEFAULT_CONFIG)).p2pSeedSeconds;
}
