/**
 * The iPXE boot file of a livenet image: the original's URLs and kernel
 * arguments, plus defaults for the site variables when its chain sets none.
 */
import type { Paths } from '../../core/paths.js';
import { ipxeText, ipxeWord } from './quote.js';
import { KERNEL_ARGS_VARIABLE } from './node-script.js';
import { bootUrls, imageFileUrl, kernelsUrl, NODE_VARIABLE_DEFAULT, nodeQuery, OVERLAY_ARGUMENT_VARIABLE, OVERLAY_LINES } from './urls.js';

/** What a livenet boot file depends on. */
export interface LivenetBootSettings {
  name: string;
  /** Kernel file name in the kernels folder. */
  kernel: string;
  /** Initramfs file name in the kernels folder. */
  initramfs: string;
  selinux: boolean;
  /** `flat`: the squashfs holds the tree itself and is booted with an overlayfs. */
  layout: 'liveos' | 'flat';
  /** File name of the squashfs in the image folder. */
  squashfsFile: string;
  /** Console arguments used when the site's chain sets no `eq-console`. */
  defaultConsole: string;
}

/**
 * Text of a livenet image's `boot.ipxe`.
 * @throws UsageError `E_IPXE_VALUE` when a name or path could not stand in a script.
 */
export function livenetBootFile(paths: Paths, settings: LivenetBootSettings): string {
  const urls = bootUrls(paths);
  const name = ipxeWord(settings.name, 'image name');
  const kernels = kernelsUrl(urls);
  const query = nodeQuery();
  const squashfs = `${imageFileUrl(urls, name, ipxeWord(settings.squashfsFile, 'squashfs file'))}${query}`;
  const liveArguments = [
    `root=live:${squashfs}`, 'rw',
    '${eq-console}', '${eq-kernel-parameters}', '${dedicated-kernel-parameters}',
    'rd.neednet=1', 'ip=dhcp',
    'rd.net.timeout.carrier=30', 'rd.net.timeout.ifup=60', 'rd.net.dhcp.retry=4',
    `selinux=${settings.selinux ? 1 : 0}`,
    ...(settings.layout === 'flat' ? ['rd.live.overlay.overlayfs=1'] : []),
    // The node's own arguments (its script sets them) come last, so they win.
    `\${${KERNEL_ARGS_VARIABLE}}`,
  ];
  return [
    '#!ipxe',
    '',
    `# Livenet image ${name}, written by disklessset.`,
    `set image-kernel ${ipxeWord(settings.kernel, 'kernel')}`,
    `set image-initramfs ${ipxeWord(settings.initramfs, 'initramfs')}`,
    '',
    '# The site chain may set these; a node must boot without them as well.',
    `isset \${eq-console} || set eq-console ${ipxeText(settings.defaultConsole)}`,
    'isset ${eq-kernel-parameters} || clear eq-kernel-parameters',
    'isset ${dedicated-kernel-parameters} || clear dedicated-kernel-parameters',
    '# Names the node in the URLs below, so the boot server records what it fetched.',
    NODE_VARIABLE_DEFAULT,
    '',
    `echo | Booting livenet image ${name}`,
    'echo | Console: ${eq-console}',
    `echo | Additional kernel parameters: \${eq-kernel-parameters} \${dedicated-kernel-parameters} \${${KERNEL_ARGS_VARIABLE}}`,
    'echo | Loading kernel and initramfs, then the image into RAM...',
    '',
    `kernel ${kernels}/\${image-kernel}${query} initrd=\${image-initramfs} \${${OVERLAY_ARGUMENT_VARIABLE}} ${liveArguments.join(' ')}`,
    // --name: the kernel finds the initramfs by this name, which must not carry the query.
    `initrd --name \${image-initramfs} ${kernels}/\${image-initramfs}${query}`,
    ...OVERLAY_LINES,
    'boot',
    '',
  ].join('\n');
}
