import type { CommandSpec } from '../../command.js';
import type { ImageSummary } from '../../../core/image/image-manager.js';
import { renderTree } from '../../render.js';

function renderSummaries(images: ImageSummary[]): string {
  if (images.length === 0) return 'No images.';
  const lines: string[] = [];
  for (const status of ['CREATED', 'IN_CREATION', 'CORRUPTED', 'DAMAGED'] as const) {
    const group = images.filter((i) => i.status === status);
    if (group.length === 0) continue;
    lines.push(`${status} (${group.length})`);
    for (const image of group) {
      const suffix = image.status === 'CREATED'
        ? `${image.image_class ?? '?'}${image.module_installed === false ? ', module not installed' : ''}`
        : `${image.image_class ?? 'unknown class'}${image.pid ? `, pid ${image.pid}` : ''}${image.reason ? `: ${image.reason}` : ''}`;
      lines.push(`  ${image.name} [${suffix}]`);
      if (image.attributes) lines.push(...renderTree(image.attributes, '    '));
    }
  }
  return lines.join('\n');
}

export const imageList: CommandSpec = {
  path: ['image', 'list'],
  summary: 'list images grouped by status (CREATED, IN_CREATION, CORRUPTED, DAMAGED)',
  example: 'image list --json',
  async run({ services }) {
    const images = await services.images.list();
    return { data: images, text: renderSummaries(images) };
  },
};
