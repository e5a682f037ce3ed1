/** `disklessset livenet ...` commands. */
import type { ArgumentSpec, CommandSpec, OptionSpec } from '../contract.js';
import { UsageError } from '../../errors/index.js';
import { validateImageName } from '../../core/names.js';
import { LivenetImage } from './livenet-image.js';
import { COMPRESSIONS, LAYOUTS, LIVENET_FORMAT_KEYS, parseSize } from './options.js';
import { createFromCommandLine, FROM_FILE_OPTION, osOptionSpecs } from '../os-options.js';
import { showImageState } from '../image-state.js';
import { REBUILD_REGISTRY_AUTH_OPTION, rebuildText, ROLLBACK_TARGET_OPTION, rollbackTarget, rollbackText } from '../version-text.js';
import { mountLivenet, shellLivenet, unmountLivenet } from './editing.js';
import { resizeLivenet } from './maintenance.js';

const nameArgument: ArgumentSpec[] = [{ name: 'NAME', required: true, completes: 'image' }];

/** The OS options of the shared table, then livenet's own image-format options. */
const createOptions: OptionSpec[] = [
  ...osOptionSpecs(),
  { name: 'size', type: 'string', description: 'size of the root file system, 100M..50000M (e.g. 5120M, 5G, 1.5G)', valueName: 'SIZE',
    requiredNote: 'required with --layout liveos, the default; here or in --from-file' },
  { name: 'compression', type: 'string', description: 'zstd (default), xz, gzip or lz4', valueName: 'ALGO', choices: COMPRESSIONS },
  { name: 'layout', type: 'string', description: 'liveos (default: LiveOS/rootfs.img) or flat (squashfs of the tree)', valueName: 'LAYOUT', choices: LAYOUTS },
  FROM_FILE_OPTION,
];

/** The image name argument, checked by the name gate before the command does anything. */
function name(args: Record<string, string | string[] | undefined>): string {
  return validateImageName(String(args.NAME));
}

const create: CommandSpec = {
  path: ['create'],
  summary: 'build a livenet image (OS run from RAM) and publish it',
  example: 'livenet create compute-el9 --kernel vmlinuz-5.14.0-427.el9.x86_64 --size 5G --password-file /root/pw',
  args: [{ name: 'NAME', required: true }],
  options: createOptions,
  async run(context, input) {
    const image = await createFromCommandLine(context, 'LivenetImage', LIVENET_FORMAT_KEYS, input);
    const warnings = image instanceof LivenetImage ? image.warnings : [];
    return { text: `livenet image ${image.name} created`, data: await showImageState(context.services, image.name), warnings };
  },
};

const rebuild: CommandSpec = {
  path: ['rebuild'],
  summary: 'build an image again from its recipe and publish it (the old one is kept for rollback)',
  example: 'livenet rebuild compute-el9',
  args: nameArgument,
  options: [REBUILD_REGISTRY_AUTH_OPTION],
  async run({ services, io }, { args, options }) {
    // The one rebuild path (ImageManager), shared with `image rebuild`, the menu and the API.
    const registryAuth = options['registry-auth'] === undefined ? undefined : String(options['registry-auth']);
    const { warnings, unchanged, version } = await services.images.rebuild(name(args), { progress: io.progress, signal: io.signal, registryAuth,
      command: `livenet rebuild ${name(args)}` });
    return { text: rebuildText(name(args), { unchanged, version }), data: { ...await showImageState(services, name(args)), unchanged: unchanged === true }, warnings };
  },
};

const rollback: CommandSpec = {
  path: ['rollback'],
  summary: 'boot a kept version again: the one before the last publication, or a version id (run again: no change)',
  example: 'livenet rollback compute-el9 --to previous',
  args: nameArgument,
  options: [ROLLBACK_TARGET_OPTION],
  async run({ services }, { args, options }) {
    // The one rollback (ImageManager), shared with `image rollback` and the API.
    const image = name(args);
    const outcome = await services.images.rollback(image, rollbackTarget(image, options.to));
    return { text: rollbackText(image, outcome), data: { ...await showImageState(services, image), ...outcome } };
  },
};

const mountCommand: CommandSpec = {
  path: ['mount'],
  summary: 'make the image tree editable in the work folder (with /proc, /sys, /dev and an Ansible inventory)',
  example: 'livenet mount compute-el9',
  args: nameArgument,
  options: [{ name: 'unpack', type: 'boolean', description: 'unpack the file system instead of loop-mounting it' }],
  async run({ services, io }, { args, options }) {
    const result = await mountLivenet(services, name(args), { progress: io.progress, signal: io.signal, unpack: options.unpack === true });
    return {
      text: `image ${name(args)} mounted at ${result.mountPoint} (${result.mode})\nAnsible inventory: ${result.inventory}`,
      data: { name: name(args), ...result },
    };
  },
};

const unmountCommand: CommandSpec = {
  path: ['unmount'],
  summary: 'repack the edited tree into a new squashfs.img and clean up',
  example: 'livenet unmount compute-el9',
  args: nameArgument,
  async run({ services, io }, { args }) {
    const { warnings, republished } = await unmountLivenet(services, name(args), { progress: io.progress, signal: io.signal });
    return {
      text: republished ? `image ${name(args)} unmounted and republished` : `interrupted mount of ${name(args)} undone`,
      data: { ...await showImageState(services, name(args)), republished }, warnings,
    };
  },
};

const shell: CommandSpec = {
  path: ['shell'],
  summary: 'run a shell (or the command after --) chrooted in a mounted image',
  example: 'livenet shell compute-el9 -- dnf install -y htop',
  args: nameArgument,
  acceptsRest: true,
  async run({ services, io }, { args, rest }) {
    const result = await shellLivenet(services, name(args), rest, { interactive: true, signal: io.signal });
    return { exitCode: result.exitCode };
  },
};

const resize: CommandSpec = {
  path: ['resize'],
  summary: 'grow or shrink the root file system of an image (e.g. 8G)',
  example: 'livenet resize compute-el9 8G',
  args: [{ name: 'NAME', required: true, completes: 'image' }, { name: 'SIZE', required: true }],
  async run({ services, io }, { args }) {
    if (typeof args.SIZE !== 'string') throw new UsageError('E_SIZE', 'a size is required', 'e.g. 8G or 6000M');
    const sizeMiB = parseSize(args.SIZE);
    const { warnings } = await resizeLivenet(services, name(args), sizeMiB, { progress: io.progress, signal: io.signal });
    return { text: `image ${name(args)} resized to ${sizeMiB} MiB`, data: await showImageState(services, name(args)), warnings };
  },
};

/** Every livenet command. */
export const livenetCommands: CommandSpec[] = [create, rebuild, rollback, mountCommand, unmountCommand, shell, resize];
