import type { CommandSpec } from '../../command.js';
import { diffImages } from '../../../modules/livenet/diff-read.js';

export const imageDiff: CommandSpec = {
  path: ['image', 'diff'],
  summary: 'packages, then files, added, removed and changed between two livenet images or versions (NAME or NAME@VERSION)',
  example: 'image diff compute-el9@3f2a9c01b7de compute-el9',
  args: [{ name: 'A', required: true, completes: 'image' }, { name: 'B', required: true, completes: 'image' }],
  async run({ services }, { args }) {
    const diff = await diffImages(services, String(args.A), String(args.B));
    const { packages: p, files: f } = diff;
    const text = [
      `${diff.from} -> ${diff.to}`,
      `packages (${diff.packageDatabase ?? 'no package database'}): ${p.added.length} added, ${p.removed.length} removed, ${p.changed.length} changed`,
      ...p.added.map((x) => `  + ${x.name} ${x.version}`),
      ...p.removed.map((x) => `  - ${x.name} ${x.version}`),
      ...p.changed.map((x) => `  ~ ${x.name} ${x.from} -> ${x.to}`),
      `files: ${f.addedCount} added, ${f.removedCount} removed, ${f.changedCount} changed`
        + (diff.filesComparedBy === 'listing' ? ' (compared by listing: a version has no content manifest, so a file changed at the same size is not seen)' : ''),
      ...f.largestAdded.map((x) => `  + ${x.path} (${x.bytes} bytes)`),
      ...f.largestRemoved.map((x) => `  - ${x.path} (${x.bytes} bytes)`),
      ...f.largestChanged.map((x) => `  ~ ${x.path} (${x.fromBytes} -> ${x.toBytes} bytes)`),
    ].join('\n');
    return { data: diff, text };
  },
};
