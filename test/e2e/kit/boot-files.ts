/**
 * iPXE scripts for the kit's own proof, written by hand after the original
 * tool's boot files (our tool writes the real ones). Plus the only thing a
 * site adds in front of them: the first script its DHCP hands to iPXE, which
 * sets the site-wide variables and chains to the image's boot file.
 */

/** URL prefix of the HTTP tree, as iPXE sees it (`${next-server}` is 10.0.2.2 in QEMU user networking). */
export function httpBase(port: number): string {
  return port === 80 ? 'http://${next-server}' : `http://\${next-server}:${port}`;
}

/** Options shared by the boot files. */
export interface BootFileOptions {
  imageName: string;
  kernelVersion: string;
  /** HTTP port of the server (80 gives the original's port-less URLs). */
  port: number;
}

const NET_TIMEOUTS = 'rd.net.timeout.carrier=30 rd.net.timeout.ifup=60 rd.net.dhcp.retry=4';

function header(options: BootFileOptions, kind: string): string[] {
  return [
    '#!ipxe',
    `# ${kind} image ${options.imageName} (disklessset e2e kit, hand-written)`,
    `set image-kernel vmlinuz-${options.kernelVersion}`,
    `set image-initramfs initramfs-kernel-${options.kernelVersion}`,
    `echo Booting image ${options.imageName} (${kind})`,
    'echo Console: ${eq-console}',
    'echo Extra kernel parameters: ${eq-kernel-parameters} ${dedicated-kernel-parameters}',
  ];
}

/** A livenet boot file: kernel and initramfs over HTTP, root fetched by dracut's livenet. */
export function livenetBootIpxe(options: BootFileOptions): string {
  const base = `${httpBase(options.port)}/preboot_execution_environment/diskless`;
  return [
    ...header(options, 'livenet'),
    `kernel ${base}/kernels/\${image-kernel} initrd=\${image-initramfs} ` +
      `root=live:${base}/images/${options.imageName}/squashfs.img rw rd.neednet=1 ip=dhcp ` +
      `\${eq-console} \${eq-kernel-parameters} \${dedicated-kernel-parameters} ${NET_TIMEOUTS} selinux=0`,
    `initrd ${base}/kernels/\${image-initramfs}`,
    'boot',
    '',
  ].join('\n');
}

/**
 * An NFS golden-image boot file: each node mounts its own copy,
 * `<pseudo>/golden/<image>/nodes/${hostname}`, from the NFS server at
 * `nfsServer` (the next-server in the original; an address here).
 */
export function nfsBootIpxe(options: BootFileOptions & { nfsServer: string; pseudoRoot: string; nfsPort?: number }): string {
  const base = `${httpBase(options.port)}/preboot_execution_environment/diskless`;
  const nfsOptions = options.nfsPort && options.nfsPort !== 2049 ? `vers=4.2,port=${options.nfsPort}` : 'vers=4.2';
  return [
    ...header(options, 'nfs golden'),
    `kernel ${base}/kernels/\${image-kernel} initrd=\${image-initramfs} ` +
      `root=nfs4:${options.nfsServer}:${options.pseudoRoot}/golden/${options.imageName}/nodes/\${hostname}:${nfsOptions} rw ` +
      `rd.neednet=1 ip=dhcp \${eq-console} \${eq-kernel-parameters} \${dedicated-kernel-parameters} ${NET_TIMEOUTS} selinux=0`,
    `initrd ${base}/kernels/\${image-initramfs}`,
    'boot',
    '',
  ].join('\n');
}

/** The site's first script: sets the variables the boot files expect, then chains. */
export function siteChainIpxe(bootFileUrl: string, console = 'console=ttyS0,115200'): string {
  return [
    '#!ipxe',
    '# what a site DHCP server hands to iPXE first (disklessset e2e kit)',
    `set eq-console ${console}`,
    'set eq-kernel-parameters',
    'set dedicated-kernel-parameters',
    `chain ${bootFileUrl}`,
    '',
  ].join('\n');
}
