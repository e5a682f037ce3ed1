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

/** What an NFS boot file needs. */
export interface NfsBootFileInput {
  paths: Paths;
  imageName: string;
  /** `staging` or `golden`, shown on the console. */
  kind: 'staging' | 'golden';
  kernel: string;
  initramfs: string;
  /** Logical NFS path of the root, may contain `${hostname}`. */
  nfsRoot: string;
  /** Console arguments used when the site sets no `eq-console`. */
  defaultConsole: string;
}

/** Kernel arguments dracut needs to bring the network up before mounting the root. */
const NETWORK_ARGS = 'rd.neednet=1 ip=dhcp rd.net.timeout.carrier=30 rd.net.timeout.ifup=60 rd.net.dhcp.retry=4';

/** iPXE `set` takes the rest of the line literally; keep values on one line and free of expansions. */
function ipxeValue(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/\$\{/g, '$ {');
}

/** Text of the boot file. */
export function nfsBootFile(input: NfsBootFileInput): string {
  const kernels = `http://\${next-server}${input.paths.urlPath('kernelsDir')}`;
  const lines = [
    '#!ipxe',
    `# NFS ${input.kind} image ${input.imageName}, written by disklessset (rewritten on kernel change)`,
    `set image-name ${input.imageName}`,
    `set image-kernel ${input.kernel}`,
    `set image-initramfs ${input.initramfs}`,
    `isset \${eq-console} || set eq-console ${ipxeValue(input.defaultConsole)}`,
    // An unset variable would expand to nothing anyway; defining them keeps `show`/echo output readable.
    'isset ${eq-kernel-parameters} || set eq-kernel-parameters',
    'isset ${dedicated-kernel-parameters} || set dedicated-kernel-parameters',
  ];
  if (input.nfsRoot.includes('${hostname}')) {
    // Without a host name every node would mount the same missing folder: stop with a clear message.
    lines.push('isset ${hostname} || goto no_hostname');
  }
  lines.push(
    `echo Booting NFS ${input.kind} image \${image-name} on \${hostname}`,
    'echo | Root: nfs:${next-server}:' + input.nfsRoot,
    'echo | Console: ${eq-console}',
    'echo | Extra kernel parameters: ${eq-kernel-parameters} ${dedicated-kernel-parameters}',
    `kernel ${kernels}/\${image-kernel} initrd=\${image-initramfs} ` +
      `root=nfs:\${next-server}:${input.nfsRoot},vers=4.2,rw rw ` +
      `\${eq-console} \${eq-kernel-parameters} \${dedicated-kernel-parameters} ${NETWORK_ARGS}`,
    `initrd ${kernels}/\${image-initramfs}`,
    'boot',
  );
  if (input.nfsRoot.includes('${hostname}')) {
    lines.push(
      ':no_hostname',
      'echo This node has no ${hostname}: DHCP must give it one to pick its own NFS root.',
      'prompt Press a key to return to the boot menu',
      'exit 1',
    );
  }
  return `${lines.join('\n')}\n`;
}
