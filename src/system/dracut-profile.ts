/**
 * What goes into an initramfs made by `kernel initramfs`: the dracut
 * modules, the kernel drivers and the compression, for the two profiles.
 *
 * - `node` (the default): what a diskless node needs to fetch and mount its
 *   root over the network, and nothing else. dracut's `--no-hostonly` build
 *   packs every storage, file system, crypto, HID and wired network driver
 *   of the kernel (hundreds of modules a node never loads), which is most of
 *   the size and of the build time. This profile names the drivers instead
 *   (`--drivers`, which makes dracut's `kernel-modules` install only those)
 *   and compresses with zstd, which the kernel unpacks fast.
 * - `full`: the original tool's call as it was (every driver, xz), for
 *   hardware the node list does not cover.
 */

import type { InitramfsCompression } from './initramfs-compression.js';

/** The two ways `kernel initramfs` builds (`full` is `--full`). */
export type InitramfsProfile = 'node' | 'full';

/** The original tool's module set. */
export const ORIGINAL_DRACUT_MODULES = ['network', 'base', 'nfs'];
export const ORIGINAL_DRACUT_ADD = ['ifcfg', 'livenet', 'systemd', 'systemd-initrd', 'dracut-systemd'];
/**
 * Added to the original's set: with `-m`, dracut leaves out `kernel-modules`,
 * and a kernel whose bus drivers are modules (Debian: `virtio_pci`, PCI host
 * controllers) then never sees its network card. RHEL builds them in.
 */
export const DRIVER_DRACUT_MODULES = ['kernel-modules'];
/** What a livenet boot cannot do without, whatever the site adds. */
export const LIVENET_DRACUT_MODULES = ['livenet', 'dmsquash-live', 'network'];

/**
 * Network cards of the `node` profile: virtual machines (virtio, QEMU's
 * e1000, VMware, Hyper-V, Xen, cloud NICs) and the wired cards of common
 * servers (Intel, Mellanox/NVIDIA ConnectX, Broadcom, Realtek, Solarflare),
 * plus bonding and VLANs for dracut's `bond=`/`vlan=`.
 * A site with another card adds it with `--dracut-arg --add-drivers
 * --dracut-arg NAME`, or builds with `--full`.
 */
export const NODE_NETWORK_DRIVERS = [
  'virtio_net', 'e1000', 'e1000e', 'igb', 'igc', 'ixgbe', 'ixgbevf', 'i40e', 'iavf', 'ice',
  'mlx4_en', 'mlx5_core', 'bnxt_en', 'tg3', 'bnx2', 'bnx2x', 'r8169', 'sfc',
  'vmxnet3', 'hv_netvsc', 'xen-netfront', 'ena', 'gve', 'af_packet', 'bonding', '8021q',
];

/**
 * Everything else of the `node` profile: the virtio bus and disks (a VM's
 * PCI devices appear through `virtio_pci`), the file systems of a livenet
 * root (squashfs holding an ext4 or the original's xfs `rootfs.img`, over
 * a loop device, with an overlay) and of an NFS root, and USB keyboards
 * (a BMC's virtual console) for dracut's emergency shell.
 */
export const NODE_OTHER_DRIVERS = [
  'virtio_pci', 'virtio_blk', 'virtio_scsi', 'squashfs', 'loop', 'overlay', 'ext4', 'xfs', 'nfs', 'nfsv3', 'nfsv4',
  'xhci_pci', 'ehci_pci', 'usbhid', 'hid_generic',
];

/**
 * Drivers dracut's `dm` module packs (all of `drivers/md`, needed by
 * `dmsquash-live` for its device-mapper snapshot) that a node never uses:
 * software RAID, caches, encryption, integrity, thin pools, multipath.
 * dracut matches these names whole (underscores, as the kernel lists them).
 */
export const NODE_OMITTED_DRIVERS = [
  'md_mod', 'md_cluster', 'raid0', 'raid1', 'raid10', 'raid456', 'linear', 'multipath', 'faulty', 'dm_raid', 'bcache',
  'dm_cache', 'dm_cache_smq', 'dm_era', 'dm_writecache', 'dm_thin_pool', 'dm_crypt', 'dm_integrity', 'dm_verity',
  'dm_zoned', 'dm_multipath', 'dm_queue_length', 'dm_round_robin', 'dm_service_time', 'dm_switch', 'dm_unstripe',
  'dm_log_writes', 'dm_flakey', 'dm_delay', 'dm_clone', 'dm_ebs', 'dm_dust',
];

/**
 * zstd at level 9: dracut's `--zstd` means level 15, which took about 40 s
 * of CPU on a 96 MiB node initramfs against 4 s at level 9, for a file 1%
 * smaller (the kernel unpacks both as fast).
 */
export const NODE_COMPRESSOR = 'zstd -9 -q -T0';

/**
 * dracut modules of ours a `node` build puts in place of the system's:
 * `kernel-network-modules` (pulled in by `network`, and not removable
 * with `--omit` since `network` depends on it) packs every wired network
 * driver of the kernel; our stand-in packs none, the drivers coming from
 * `--drivers` above.
 */
export const NODE_REPLACED_DRACUT_MODULES = ['90kernel-network-modules'];

/**
 * The profile's own dracut arguments (before the module set): compression
 * and, for `node`, the driver lists. `--drivers` takes missing names as
 * optional, so a kernel without one of them still builds. Early microcode
 * is left out of `node` (with every vendor's files it can weigh more than
 * the drivers; the image's own kernel loads microcode late); a site that
 * wants it adds `--early-microcode`.
 */
export function profileArguments(profile: InitramfsProfile): string[] {
  if (profile === 'full') return ['--xz'];
  // dracut falls back to another compressor by itself when the tree has no zstd or the kernel cannot unpack it (CONFIG_RD_ZSTD).
  return ['--compress', NODE_COMPRESSOR, '--drivers', [...NODE_NETWORK_DRIVERS, ...NODE_OTHER_DRIVERS].join(' '),
    '--omit-drivers', NODE_OMITTED_DRIVERS.join(' '), '--no-early-microcode'];
}

/** The compression dracut is asked for: the last compression flag of the extra arguments (they come after the profile's), else the profile's. */
export function requestedCompression(profile: InitramfsProfile, extraArgs: readonly string[]): InitramfsCompression {
  const flags: Record<string, InitramfsCompression> = {
    '--zstd': 'zstd', '--xz': 'xz', '--gzip': 'gzip', '--lz4': 'lz4', '--lzo': 'lzo', '--bzip2': 'bzip2', '--no-compress': 'none',
  };
  const last = extraArgs.filter((arg) => Object.hasOwn(flags, arg)).at(-1);
  if (last) return flags[last] as InitramfsCompression;
  return profile === 'full' ? 'xz' : 'zstd';
}
