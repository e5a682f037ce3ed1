import type { CommandSpec } from '../../command.js';
import { showImageState } from '../../../modules/image-state.js';
import { ROLLBACK_TARGET_OPTION, rollbackTarget, rollbackText } from '../../../modules/version-text.js';

export const imageRollback: CommandSpec = {
  path: ['image', 'rollback'],
  summary: 'boot a kept version again: the one before the last publication, or a version id (run again: no change)',
  example: 'image rollback compute-el9 --to previous',
  args: [{ name: 'NAME', required: true, completes: 'image' }],
  options: [ROLLBACK_TARGET_OPTION],
  async run({ services }, { args, options }) {
    const name = String(args.NAME);
    const outcome = await services.images.rollback(name, rollbackTarget(name, options.to));
    return { text: rollbackText(name, outcome), data: { ...await showImageState(services, name), ...outcome } };
  },
};
