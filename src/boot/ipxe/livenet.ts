/**
 * The iPXE boot file of a livenet image: the original's URLs and kernel
 * arguments, plus defaults for the site variables when its chain sets none.
 */
import type { Paths } from '../../core/paths.js';
import { ipxeText, ipxeWord } from './quote.js';
import { KERNEL_ARGS_VARIABLE } from './node-script.js';
import { FAILOVER_SWITCH_LINES, failoverSection, FETCHED_LINE, NEXT_SERVER, onServer } from './failover.js';
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
  const query = nodeQuery();
  // Each fetch line on the server of base URL `base` (`http://${next-server}` for the single-server path).
  const kernels = (base: string): string => onServer(kernelsUrl(urls), base);
  const squashfs = (base: string): string => `${onServer(imageFileUrl(urls, name, ipxeWord(settings.squashfsFile, 'squashfs file')), base)}${query}`;
  const liveArguments = (base: string): string[] => [
    `root=live:${squashfs(base)}`, 'rw',
    '${eq-console}', '${eq-kernel-parameters}', '${dedicated-kernel-parameters}',
    'rd.neednet=1', 'ip=dhcp',
    'rd.net.timeout.carrier=30', 'rd.net.timeout.ifup=60', 'rd.net.dhcp.retry=4',
    `selinux=${settings.selinux ? 1 : 0}`,
    ...(settings.layout === 'flat' ? ['rd.live.overlay.overlayfs=1'] : []),
    // The node's own arguments (its script sets them) come last, so they win.
    `\${${KERNEL_ARGS_VARIABLE}}`,
  ];
  const kernel = (base: string): string =>
    `kernel ${kernels(base)}/\${image-kernel}${query} initrd=\${image-initramfs} \${${OVERLAY_ARGUMENT_VARIABLE}} ${liveArguments(base).join(' ')}`;
  // --name: the kernel finds the initramfs by this name, which must not carry the query.
  const initramfs = (base: string): string => `initrd --name \${image-initramfs} ${kernels(base)}/\${image-initramfs}${query}`;
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
    ...FAILOVER_SWITCH_LINES,
    kernel(NEXT_SERVER),
    initramfs(NEXT_SERVER),
    FETCHED_LINE,
    ...OVERLAY_LINES,
    'boot',
    ...failoverSection({ kernel, initramfs }),
    '',
  ].join('\n');
}
