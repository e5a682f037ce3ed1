/**
 * iPXE boot files of NFS images. The node mounts its root over NFS from the
 * boot server (`${next-server}`); a golden image's file is shared by all its
 * nodes and picks each node's own tree with `${hostname}`.
 *
 * The site's first iPXE script normally sets `eq-console`,
 * `eq-kernel-parameters` and `dedicated-kernel-parameters`; each is given a
 * default here when unset so that a node booted straight at this file still
 * gets a console and a valid kernel line.
 */
import type { Paths } from '../../core/paths.js';
import { ipxeText, ipxeWord } from './quote.js';
import { KERNEL_ARGS_VARIABLE } from './node-script.js';
import { FAILOVER_SWITCH_LINES, failoverSection, FETCHED_LINE, NEXT_SERVER, onServer } from './failover.js';
import { bootUrls, kernelsUrl, NODE_VARIABLE_DEFAULT, nodeQuery, OVERLAY_ARGUMENT_VARIABLE, OVERLAY_LINES } from './urls.js';

/** What an NFS boot file needs. */
export interface NfsBootFileInput {
  paths: Paths;
  imageName: string;
  /** `staging` or `golden`, shown on the console. */
  kind: 'staging' | 'golden';
  /** Kernel and initramfs file names in the kernels folder. */
  kernel: string;
  initramfs: string;
  /** Logical NFS path of the root, or of the folder holding one tree per node when `perNode`. */
  nfsRoot: string;
  /** Each node mounts `<nfsRoot>/${hostname}` (golden images). */
  perNode: boolean;
  /** Console arguments used when the site sets no `eq-console`. */
  defaultConsole: string;
}

/** Kernel arguments dracut needs to bring the network up before mounting the root. */
const NETWORK_ARGS = 'rd.neednet=1 ip=dhcp rd.net.timeout.carrier=30 rd.net.timeout.ifup=60 rd.net.dhcp.retry=4';

/**
 * Text of an NFS image's `boot.ipxe`.
 * @throws UsageError `E_IPXE_VALUE` when a name or path could not stand in a script.
 */
export function nfsBootFile(input: NfsBootFileInput): string {
  const urls = bootUrls(input.paths);
  // The kernel and initramfs on the server of base URL `server`; the root stays on `${next-server}` (NFS).
  const kernels = (server: string): string => onServer(kernelsUrl(urls), server);
  const base = ipxeWord(input.nfsRoot, 'NFS root');
  // The expansion is added here, after the check: it is the one `${` the path may hold.
  const nfsRoot = input.perNode ? `${base}/\${hostname}` : base;
  const imageName = ipxeWord(input.imageName, 'image name');
  const kernel = (server: string): string => `kernel ${kernels(server)}/\${image-kernel}${nodeQuery()} initrd=\${image-initramfs} \${${OVERLAY_ARGUMENT_VARIABLE}} ` +
    `root=nfs:\${next-server}:${nfsRoot},vers=4.2,rw rw ` +
    // The node's own arguments (its script sets them) come last, so they win.
    `\${eq-console} \${eq-kernel-parameters} \${dedicated-kernel-parameters} ${NETWORK_ARGS} \${${KERNEL_ARGS_VARIABLE}}`;
  const initramfs = (server: string): string => `initrd --name \${image-initramfs} ${kernels(server)}/\${image-initramfs}${nodeQuery()}`;
  const lines = [
    '#!ipxe',
    `# NFS ${input.kind} image ${imageName}, written by disklessset (rewritten on kernel change)`,
    `set image-name ${imageName}`,
    `set image-kernel ${ipxeWord(input.kernel, 'kernel')}`,
    `set image-initramfs ${ipxeWord(input.initramfs, 'initramfs')}`,
    `isset \${eq-console} || set eq-console ${ipxeText(input.defaultConsole)}`,
    // An unset variable would expand to nothing anyway; defining them keeps `show`/echo output readable.
    'isset ${eq-kernel-parameters} || set eq-kernel-parameters',
    'isset ${dedicated-kernel-parameters} || set dedicated-kernel-parameters',
    // Names the node in the kernel and initramfs URLs, so the boot server records what it fetched.
    NODE_VARIABLE_DEFAULT,
  ];
  if (input.perNode) {
    // Without a host name every node would mount the same missing folder: stop with a clear message.
    lines.push('isset ${hostname} || goto no_hostname');
  }
  lines.push(
    `echo Booting NFS ${input.kind} image \${image-name} on \${hostname}`,
    'echo | Root: nfs:${next-server}:' + nfsRoot,
    'echo | Console: ${eq-console}',
    `echo | Extra kernel parameters: \${eq-kernel-parameters} \${dedicated-kernel-parameters} \${${KERNEL_ARGS_VARIABLE}}`,
    ...FAILOVER_SWITCH_LINES,
    kernel(NEXT_SERVER),
    initramfs(NEXT_SERVER),
    FETCHED_LINE,
    ...OVERLAY_LINES,
    'boot',
    ...failoverSection({ kernel, initramfs }),
  );
  if (input.perNode) {
    lines.push(
      ':no_hostname',
      'echo This node has no ${hostname}: DHCP must give it one to pick its own NFS root.',
      'prompt Press a key to return to the boot menu',
      'exit 1',
    );
  }
  return `${lines.join('\n')}\n`;
}
