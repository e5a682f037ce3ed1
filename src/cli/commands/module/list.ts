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
      description: m.descriptor?.description, imageClasses: m.descriptor?.imageClasses.map((c) => c.className) ?? [],
      missingTools: m.missingTools ?? [], error: m.error,
    }));
    const text = data.map((m) => m.status === 'ok'
      ? `${m.name} [ok${m.builtin ? ', built-in' : ''}] ${m.imageClasses.join(', ')} - ${m.description}`
        + (m.missingTools.length ? `\n    missing tools: ${m.missingTools.join(', ')}` : '')
      : `(broken) ${m.source}\n    ${m.error}`).join('\n');
    return { data, text: text || 'No modules.' };
  },
};
