import type { CommandSpec } from '../../command.js';
import { renderColumns } from '../../render.js';
import type { CoreServices } from '../../../core/core-services.js';
import { imageOfReference } from '../../../core/names.js';
import { answerAttributes } from '../../../modules/image-state.js';

/** Bytes as MiB with one decimal, for the table. */
function mebibytes(bytes: number | null): string {
  return bytes === null ? '-' : `${(bytes / 1048576).toFixed(1)}M`;
}

/** Why an image lists no version: made before versions were kept (a rebuild makes one), or of a kind that keeps none. */
async function noVersionsText(services: CoreServices, name: string): Promise<string> {
  const rebuildable = await services.images.requireRebuildable(name).then(() => true, () => false);
  if (rebuildable) return `image ${name} has no versions (made before versions were kept; its next rebuild makes the first)`;
  const image = await services.images.get(name);
  return `image ${name} has no versions: it is ${image.kindPhrase}, and versions are kept for livenet images only`;
}

export const imageHistory: CommandSpec = {
  path: ['image', 'history'],
  summary: 'list the kept versions of an image, newest first (id, date, source digest, kernel, sizes, the command that made it); NAME@VERSION shows one',
  example: 'image history compute-el9',
  args: [{ name: 'NAME', required: true, completes: 'image' }],
  async run({ services }, { args }) {
    const versions = await services.images.history(String(args.NAME));
    const name = imageOfReference(String(args.NAME));
    const rows = versions.map((v) => [`${v.id}${v.current ? ' *' : ''}`, v.date.slice(0, 19).replace('T', ' '), v.kernel,
      mebibytes(v.rootBytes), mebibytes(v.treeBytes), v.sourceDigest ? v.sourceDigest.slice(0, 19) : null, v.command]);
    // `*` marks the version nodes boot now.
    const text = versions.length === 0 ? await noVersionsText(services, name)
      : renderColumns(['VERSION', 'DATE', 'KERNEL', 'ROOT', 'TREE', 'SOURCE', 'COMMAND'], rows);
    // Attributes in the answer convention (camelCase, units in the key), as `image show` answers them.
    return { data: { name, versions: versions.map((v) => ({ ...v, attributes: answerAttributes(v.attributes) })) }, text };
  },
};
