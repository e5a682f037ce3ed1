import { unsetBoot } from '../../../boot/index.js';
import type { CommandSpec } from '../../command.js';
import { namedNodeSet } from '../../../modules/json-answer.js';

export const bootUnset: CommandSpec = {
  path: ['boot', 'unset'],
  summary: 'remove the boot assignment of the nodes of NODESET (they get the menu)',
  example: "boot unset 'c[001-010]'",
  args: [{ name: 'NODESET', required: true, completes: 'nodes' }],
  async run({ services }, { args }) {
    const result = await unsetBoot(services, String(args.NODESET));
    const warnings = result.notAssigned ? [`not assigned, nothing to do: ${result.notAssigned}`] : [];
    if (result.stillBooting) warnings.push(`still booting the image of one of their profiles: ${result.stillBooting} (see \`disklessset node show\`)`);
    const data = { ...namedNodeSet('removed', result.removed), ...namedNodeSet('notAssigned', result.notAssigned), ...namedNodeSet('stillBooting', result.stillBooting) };
    return { data, warnings, text: result.removed ? `unassigned: ${result.removed}` : 'no node was assigned' };
  },
};
