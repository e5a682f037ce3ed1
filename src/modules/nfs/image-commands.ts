/** `disklessset nfs staging create`, `nfs golden create` and `nfs exports`. */
import type { CommandSpec } from '../contract.js';
import { createFromCommandLine, FROM_FILE_OPTION, osOptionSpecs } from '../os-options.js';
import { GOLDEN_CLASS, type GoldenOptions } from './golden-image.js';
import { prepareCreation } from '../../core/image/creation.js';
import { STAGING_CLASS } from './staging-image.js';
import { writeExports } from './exports.js';
import { showImageState } from '../image-state.js';

export const stagingCreate: CommandSpec = {
  path: ['staging', 'create'],
  summary: 'install an OS tree into nfsimages/staging/NAME, bootable read-write over NFS',
  example: 'nfs staging create el9-stage --kernel vmlinuz-5.14.0-427.el9.x86_64',
  args: [{ name: 'NAME', required: true }],
  // The same OS options as `livenet create`, from the shared table.
  options: [...osOptionSpecs(), FROM_FILE_OPTION],
  async run(context, input) {
    const image = await createFromCommandLine(context, STAGING_CLASS, [], input);
    return { text: `staging image ${image.name} created`, data: await showImageState(context.services, image.name) };
  },
};

export const goldenCreate: CommandSpec = {
  path: ['golden', 'create'],
  summary: 'copy a staging image into nfsimages/golden/NAME/image (reflink where the file system can)',
  example: 'nfs golden create el9-gold --from el9-stage',
  args: [{ name: 'NAME', required: true }],
  options: [{ name: 'from', type: 'string', description: 'staging image to copy', valueName: 'STAGING', required: true }],
  async run({ services, io }, { args, options }) {
    // The same preparation as the API's: name free, options parsed by the class.
    const golden = await prepareCreation<GoldenOptions>(services.images, GOLDEN_CLASS, String(args.NAME), { from: options.from },
      { origin: 'cli' });
    const image = await services.images.create(GOLDEN_CLASS, String(args.NAME), golden, { progress: io.progress, signal: io.signal });
    return { text: `golden image ${image.name} created from ${golden.from}; add nodes with \`disklessset nfs nodes add ${image.name} NODESET\``,
      data: { ...await showImageState(services, image.name), from: golden.from } };
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
