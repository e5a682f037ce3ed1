import type { CommandSpec } from '../../command.js';
import { showImageState } from '../../../modules/image-state.js';
import { REBUILD_REGISTRY_AUTH_OPTION, rebuildText } from '../../../modules/version-text.js';

export const imageRebuild: CommandSpec = {
  path: ['image', 'rebuild'],
  summary: 'rebuild an image from the recipe it keeps (nodes keep booting the old one until the new one is ready)',
  example: 'image rebuild compute-el9',
  args: [{ name: 'NAME', required: true, completes: 'image' }],
  options: [REBUILD_REGISTRY_AUTH_OPTION],
  async run({ services, io }, { args, options }) {
    const name = String(args.NAME);
    const registryAuth = options['registry-auth'] === undefined ? undefined : String(options['registry-auth']);
    const { warnings, unchanged, version } = await services.images.rebuild(name, { progress: io.progress, signal: io.signal, registryAuth });
    return { text: rebuildText(name, { unchanged, version }), data: { ...await showImageState(services, name), unchanged: unchanged === true }, warnings };
  },
};
