/**
 * The iPXE boot file of a livenet image: the original's URLs and kernel
 * arguments, plus defaults for the site variables when its chain sets none.
 */
import type { Paths } from '../../core/paths.js';
import type { Layout } from './options.js';
import { SQUASHFS_FILE } from './squashfs.js';

/** What the boot file depends on. */
export interface LivenetBootSettings {
  name: string;
  kernel: string;
  initramfs: string;
  selinux: boolean;
  layout: Layout;
  /** Console arguments used when the site's chain sets no `eq-console`. */
  defaultConsole: string;
}

/** iPXE has no quoting: keep only characters that are safe in a `set` line. */
function ipxeSafe(text: string): string {
  return text.replace(/[^\w .,=:/@+-]/g, '');
}

/** Text of boot.ipxe. */
export function livenetBootFile(paths: Paths, settings: LivenetBootSettings): string {
  const kernels = `http://\${next-server}${paths.urlPath('kernelsDir')}`;
  const squashfs = `http://\${next-server}${paths.urlPath('imagesDir')}/${settings.name}/${SQUASHFS_FILE}`;
  const liveArguments = [
    `root=live:${squashfs}`, 'rw',
    '${eq-console}', '${eq-kernel-parameters}', '${dedicated-kernel-parameters}',
    'rd.neednet=1', 'ip=dhcp',
    'rd.net.timeout.carrier=30', 'rd.net.timeout.ifup=60', 'rd.net.dhcp.retry=4',
    `selinux=${settings.selinux ? 1 : 0}`,
    ...(settings.layout === 'flat' ? ['rd.live.overlay.overlayfs=1'] : []),
  ];
  return [
    '#!ipxe',
    '',
    `# Livenet image ${settings.name}, written by disklessset.`,
    `set image-kernel ${settings.kernel}`,
    `set image-initramfs ${settings.initramfs}`,
    '',
    '# The site chain may set these; a node must boot without them as well.',
    `isset \${eq-console} || set eq-console ${ipxeSafe(settings.defaultConsole)}`,
    'isset ${eq-kernel-parameters} || clear eq-kernel-parameters',
    'isset ${dedicated-kernel-parameters} || clear dedicated-kernel-parameters',
    '',
    `echo | Booting livenet image ${settings.name}`,
    'echo | Console: ${eq-console}',
    'echo | Additional kernel parameters: ${eq-kernel-parameters} ${dedicated-kernel-parameters}',
    'echo | Loading kernel and initramfs, then the image into RAM...',
    '',
    `kernel ${kernels}/\${image-kernel} initrd=\${image-initramfs} ${liveArguments.join(' ')}`,
    `initrd ${kernels}/\${image-initramfs}`,
    'boot',
    '',
  ].join('\n');
}
