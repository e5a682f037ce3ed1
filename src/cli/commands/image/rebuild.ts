import { UsageError } from '../../../errors/index.js';
import { validateImageName } from '../../../core/names.js';
import type { CommandSpec } from '../../command.js';
import { showImageState } from '../../../modules/image-state.js';

export const imageRebuild: CommandSpec = {
  path: ['image', 'rebuild'],
  summary: 'rebuild an image from the recipe it keeps (nodes keep booting the old one until the new one is ready)',
  example: 'image rebuild compute-el9',
  args: [{ name: 'NAME', required: true, completes: 'image' }],
  async run({ services, io }, { args }) {
    const name = validateImageName(String(args.NAME));
    await services.images.cleanCorrupted();
    const summary = await services.images.status(name);
    const imageClass = summary.image_class ? services.images.imageClass(summary.image_class) : undefined;
    if (summary.status !== 'CREATED' || !imageClass?.rebuild) {
      throw new UsageError('E_NOT_REBUILDABLE', `image "${name}" (${summary.image_class ?? 'unknown class'}, ${summary.status}) cannot be rebuilt`,
        'only CREATED images of classes that keep a recipe (livenet) can be rebuilt');
    }
    const { warnings } = await imageClass.rebuild(services, name, { progress: io.progress, signal: io.signal });
    return { text: `image ${name} rebuilt`, data: await showImageState(services, name), warnings };
  },
};
