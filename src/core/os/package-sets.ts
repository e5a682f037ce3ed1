/**
 * Package sets per image type and the command line of each package-manager
 * source. The EL sets are the original tool's; the Debian sets are chosen so
 * that `core` is an SSH-able node, and `standard` also holds a kernel and
 * dracut with the modules a livenet or NFS boot needs.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { temporarySibling } from '../state/atomic-file.js';
import { join } from 'node:path';
import type { OsType, ProvisionRequest } from './os-request.js';

/** The original's EL8 package sets. */
export const DNF_PACKAGES: Readonly<Record<OsType, readonly string[]>> = {
  core: ['iproute', 'procps-ng', 'openssh-server'],
  small: ['dnf', 'yum', 'iproute', 'procps-ng', 'openssh-server', 'NetworkManager'],
  standard: ['@core', 'kernel-modules'],
};

const DEBIAN_CORE = ['systemd-sysv', 'udev', 'kmod', 'iproute2', 'procps', 'openssh-server', 'ifupdown', 'isc-dhcp-client'];
const DEBIAN_SMALL = [...DEBIAN_CORE, 'apt', 'less', 'nano', 'ca-certificates', 'curl', 'iputils-ping'];

/** Debian/Ubuntu package sets (installed on top of `minbase`, without recommends). */
export const DEBIAN_PACKAGES: Readonly<Record<OsType, readonly string[]>> = {
  core: DEBIAN_CORE,
  small: DEBIAN_SMALL,
  standard: [...DEBIAN_SMALL, 'linux-image-amd64', 'dracut', 'dracut-network', 'dracut-live', 'nfs-common', 'zstd'],
};

/** Paths left out by "optimize" on Debian (documentation, manuals, translations). */
const DEBIAN_OPTIMIZE_EXCLUDES = ['/usr/share/doc/*', '/usr/share/man/*', '/usr/share/info/*', '/usr/share/locale/*'];

/**
 * dracut settings present before the kernel package configures itself:
 * Debian's default network module needs systemd-networkd and dbus, and
 * livenet cannot fetch through it; a generic (not host-only) initramfs is what
 * a network-booted node needs.
 */
export const DRACUT_LIVENET_CONF = [
  '# written by disklessset: generic network-boot initramfs',
  'hostonly="no"',
  'add_dracutmodules+=" network-legacy livenet dmsquash-live "',
  'omit_dracutmodules+=" network-manager systemd-networkd "',
  '',
].join('\n');

/** A package-manager command line and what to remove once it ran. */
export interface PackageManagerCommand {
  argv: string[];
  cleanup(): Promise<void>;
}

/** The packages (and `@groups`) a request installs: its type's set, then its extra packages. */
export function packageList(request: ProvisionRequest, sets: Readonly<Record<OsType, readonly string[]>>): string[] {
  return [...new Set([...sets[request.type], ...(request.packages ?? [])])];
}

/** The command that installs the requested Debian or Ubuntu OS into `target` (dnf: see dnf.ts). */
export async function packageManagerCommand(target: string, request: ProvisionRequest): Promise<PackageManagerCommand> {
  const kind = request.source.kind;
  const packages = packageList(request, DEBIAN_PACKAGES).join(',');
  const release = request.release ?? 'bookworm';
  const overlay = temporarySibling(join(request.scratchDir, 'overlay'));
  await mkdir(join(overlay, 'etc', 'dracut.conf.d'), { recursive: true });
  await writeFile(join(overlay, 'etc', 'dracut.conf.d', '90-disklessset.conf'), DRACUT_LIVENET_CONF);
  const cleanup = () => rm(overlay, { recursive: true, force: true });
  if (kind === 'mmdebstrap') {
    const optimize = request.optimize ? DEBIAN_OPTIMIZE_EXCLUDES.map((p) => `--dpkgopt=path-exclude=${p}`) : [];
    return {
      argv: ['mmdebstrap', '--variant=minbase', `--include=${packages}`, '--aptopt=APT::Install-Recommends "false"',
        ...optimize, `--essential-hook=sync-in ${overlay} /`, release, target],
      cleanup,
    };
  }
  // debootstrap has no hooks: the dracut settings are put in the target first.
  await mkdir(join(target, 'etc', 'dracut.conf.d'), { recursive: true });
  await writeFile(join(target, 'etc', 'dracut.conf.d', '90-disklessset.conf'), DRACUT_LIVENET_CONF);
  return { argv: ['debootstrap', '--variant=minbase', `--include=${packages}`, release, target], cleanup };
}
