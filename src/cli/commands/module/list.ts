import type { CommandSpec } from '../../command.js';
import { checkModuleTools } from '../../../modules/loader.js';

export const moduleList: CommandSpec = {
  path: ['module', 'list'],
  summary: 'list image modules, their classes and problems (broken modules are skipped)',
  example: 'module list',
  async run({ services }) {
    await checkModuleTools(services.modules);
    const data = services.modules.map((m) => ({
      name: m.descriptor?.name, status: m.status, builtin: m.builtin, source: m.source,
      description: m.descriptor?.description, image_classes: m.descriptor?.imageClasses.map((c) => c.className) ?? [],
      missing_tools: m.missingTools ?? [], error: m.error,
    }));
    const text = data.map((m) => m.status === 'ok'
      ? `${m.name} [ok${m.builtin ? ', built-in' : ''}] ${m.image_classes.join(', ')} - ${m.description}`
        + (m.missing_tools.length ? `\n    missing tools: ${m.missing_tools.join(', ')}` : '')
      : `(broken) ${m.source}\n    ${m.error}`).join('\n');
    return { data, text: text || 'No modules.' };
  },
};
