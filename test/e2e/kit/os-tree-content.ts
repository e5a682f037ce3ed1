/**
 * What goes into the end-to-end boot tree: the Debian packages and the files
 * copied in before the kernel is configured. Everything here feeds the cache
 * key, so changing a package or a file rebuilds the tree on the next run.
 */

/** Line the guest prints on its serial console once multi-user is reached. */
export const MARKER_PREFIX = 'DISKLESSSET-E2E-MARKER up on';

/** Root password of the test tree (a throw-away VM on user-mode networking). */
export const ROOT_PASSWORD = 'diskless-e2e';

/**
 * Packages installed on top of `minbase`, without recommends.
 * - dracut-network brings the network-legacy module (dhclient, arping);
 * - dracut-live holds the livenet and dmsquash-live modules (and needs curl
 *   for livenet's HTTP fetch);
 * - nfs-common (with rpcbind) is required by dracut's nfs module check;
 * - systemd-sysv provides /sbin/init, which both root types switch to;
 * - zstd lets dracut compress the initramfs with zstd inside the chroot.
 */
export const PACKAGES: readonly string[] = [
  'linux-image-amd64',
  'dracut', 'dracut-network', 'dracut-live',
  'curl', 'nfs-common',
  'systemd', 'systemd-sysv', 'udev', 'kmod',
  'iproute2', 'procps', 'zstd',
];

/** Modules added on top of dracut's defaults when making the initramfs. */
export const DRACUT_MODULES: readonly string[] = ['livenet', 'dmsquash-live', 'network-legacy', 'nfs'];

/**
 * dracut configuration, present before linux-image's postinst runs dracut.
 * network-legacy: Debian's default network module wants systemd-networkd and
 * dbus (the postinst then fails), and livenet cannot fetch through it anyway.
 * hostonly=no: the build host's hardware says nothing about the guest.
 */
const DRACUT_CONF = [
  '# disklessset e2e kit: generic network-boot initramfs',
  'hostonly="no"',
  'add_dracutmodules+=" network-legacy "',
  'omit_dracutmodules+=" network-manager systemd-networkd "',
  'compress="zstd"',
  '',
].join('\n');

/** Prints the marker on the serial port and leaves a file proving the root is writable. */
const MARKER_SCRIPT = [
  '#!/bin/sh',
  '# disklessset e2e kit: proves the node reached multi-user on its own root.',
  'host="$(hostname)"',
  // Write and sync first: once the marker shows, the file is on the root's storage.
  'date -u > "/var/tmp/e2e-wrote-$host"',
  'sync',
  `echo "${MARKER_PREFIX} $host" > /dev/ttyS0`,
  '',
].join('\n');

const MARKER_UNIT = [
  '[Unit]',
  'Description=disklessset e2e boot marker',
  // Ordered after multi-user so the marker means "the system is up", not "almost".
  'After=multi-user.target',
  '',
  '[Service]',
  'Type=oneshot',
  'ExecStart=/usr/local/sbin/disklessset-e2e-marker',
  '',
  '[Install]',
  'WantedBy=multi-user.target',
  '',
].join('\n');

/** A file or symlink copied into the tree by the essential hook. */
export interface OverlayEntry {
  /** Path inside the tree, without the leading slash. */
  path: string;
  content?: string;
  mode?: number;
  /** When set, the entry is a symbolic link to this target. */
  symlinkTo?: string;
}

/** Files synced into the tree right after the essential packages are unpacked. */
export const OVERLAY: readonly OverlayEntry[] = [
  { path: 'etc/dracut.conf.d/10-disklessset-e2e.conf', content: DRACUT_CONF, mode: 0o644 },
  { path: 'usr/local/sbin/disklessset-e2e-marker', content: MARKER_SCRIPT, mode: 0o755 },
  { path: 'etc/systemd/system/disklessset-e2e-marker.service', content: MARKER_UNIT, mode: 0o644 },
  {
    path: 'etc/systemd/system/multi-user.target.wants/disklessset-e2e-marker.service',
    symlinkTo: '/etc/systemd/system/disklessset-e2e-marker.service',
  },
];
