/** `disklessset nfs staging create`, `nfs golden create` and `nfs exports`. */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../../errors/index.js';
import type { CommandSpec } from '../contract.js';
import { readPasswordInput } from '../../core/os/password.js';
import { defaultSource } from '../../core/os/sources.js';
import { GOLDEN_CLASS, NfsGoldenImageClass } from './golden-image.js';
import { STAGING_CLASS } from './staging-image.js';
import { parseStagingOptions } from './staging-options.js';
import { writeExports } from './exports.js';

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Reads an SSH public key file given on the command line. */
export async function readSshKey(file: string | undefined): Promise<string | undefined> {
  if (file === undefined) return undefined;
  try {
    return await readFile(file, 'utf8');
  } catch {
    throw new UsageError('E_FILE_NOT_FOUND', `cannot read the SSH key ${file}`, 'give the path of a readable .pub file');
  }
}

export const stagingCreate: CommandSpec = {
  path: ['staging', 'create'],
  summary: 'install an OS tree into nfsimages/staging/NAME, bootable read-write over NFS',
  example: 'nfs staging create el9-stage --kernel vmlinuz-5.14.0-427.el9.x86_64',
  args: [{ name: 'NAME', required: true }],
  options: [
    { name: 'kernel', type: 'string', description: 'kernel to boot (must have its initramfs)', valueName: 'vmlinuz-VERSION' },
    { name: 'source', type: 'string', description: 'dnf, debootstrap, mmdebstrap, tar:PATH or dir:PATH (default: the host\'s package manager)', valueName: 'SOURCE' },
    { name: 'type', type: 'string', description: 'core, small or standard (default core)', valueName: 'TYPE' },
    { name: 'release', type: 'string', description: 'release to install (default the host\'s)', valueName: 'VERSION' },
    { name: 'package', type: 'string', repeatable: true, description: 'extra package (repeat, or separate with commas)', valueName: 'NAME' },
    { name: 'password-file', type: 'string', description: 'file whose first line is the root password', valueName: 'FILE' },
    { name: 'password-stdin', type: 'boolean', description: 'read the root password from stdin' },
    { name: 'password-hash', type: 'string', description: 'root password as a crypt(3) hash ($6$..., $y$...) or ! (locked)', valueName: 'HASH' },
    { name: 'ssh-key', type: 'string', description: 'SSH public key for root', valueName: 'FILE.pub' },
    { name: 'selinux', type: 'boolean', description: 'relabel for SELinux at first boot' },
    { name: 'optimize', type: 'boolean', description: 'leave out documentation and locales' },
  ],
  async run({ services, io }, { args, options }) {
    const passwordHash = await readPasswordInput({
      file: text(options['password-file']), hash: text(options['password-hash']),
      stdin: options['password-stdin'] === true ? await io.readStdin() : undefined,
    });
    const staging = parseStagingOptions({
      kernel: options.kernel, source: text(options.source) ?? await defaultSource(), type: options.type,
      release: options.release, packages: options.package, passwordHash,
      sshPublicKey: await readSshKey(text(options['ssh-key'])), selinux: options.selinux, optimize: options.optimize,
    });
    const image = await services.images.create(STAGING_CLASS, String(args.NAME), staging, { progress: io.progress, signal: io.signal });
    return { text: `staging image ${image.name} created`, data: { name: image.name, status: 'CREATED', image_class: STAGING_CLASS } };
  },
};

export const goldenCreate: CommandSpec = {
  path: ['golden', 'create'],
  summary: 'copy a staging image into nfsimages/golden/NAME/image (reflink where the file system can)',
  example: 'nfs golden create el9-gold --from el9-stage',
  args: [{ name: 'NAME', required: true }],
  options: [{ name: 'from', type: 'string', description: 'staging image to copy', valueName: 'STAGING', required: true }],
  async run({ services, io }, { args, options }) {
    const golden = NfsGoldenImageClass.parseOptions?.({ from: options.from }) ?? { from: String(options.from) };
    const image = await services.images.create(GOLDEN_CLASS, String(args.NAME), golden, { progress: io.progress, signal: io.signal });
    return { text: `golden image ${image.name} created from ${golden.from}; add nodes with \`disklessset nfs nodes add ${image.name} NODESET\``,
      data: { name: image.name, status: 'CREATED', image_class: GOLDEN_CLASS, from: golden.from } };
  },
};

export const exportsCommand: CommandSpec = {
  path: ['exports'],
  summary: 'write the NFS exports of the staging and golden roots (and a ganesha EXPORT block)',
  example: 'nfs exports --print',
  options: [
    { name: 'apply', type: 'boolean', description: 'run `exportfs -ra` afterwards' },
    { name: 'ganesha', type: 'boolean', description: 'also write the nfs-ganesha EXPORT block' },
    { name: 'print', type: 'boolean', description: 'write nothing, print what would be exported' },
  ],
  async run({ services, io }, { options }) {
    const report = await writeExports(services.paths, services.config, {
      apply: options.apply === true, ganesha: options.ganesha === true, dryRun: options.print === true, signal: io.signal,
    });
    const lines: string[] = [];
    for (const file of report.files) {
      lines.push(file.written ? `wrote ${file.path}:` : `would write ${file.path}:`, file.content.trimEnd(), '');
    }
    if (report.applied) lines.push('exportfs -ra: exports applied');
    return { text: lines.join('\n').trimEnd(), data: report, warnings: report.warnings };
  },
};
