/** `disklessset node list|show`: what the inventory says of each node, profiles applied, and when `serve` last saw it. */
import { escapeControls } from '../../../errors/index.js';
import { listNodes, showNode, type NodeRow } from '../../../core/nodes/node-operations.js';
import type { CommandSpec } from '../../command.js';
import { renderColumns } from '../../render.js';
import { readLastSeen } from '../../../boot/node-status/index.js';

/** A listed node with the time of its last request to `serve` (ISO 8601; null when never seen). */
type ListedNode = NodeRow & { lastSeen: string | null };

function row(node: ListedNode): string[] {
  const { image, mac, ip } = node;
  return [node.name, node.profiles.join(',') || '-', image ?? '-', mac?.join(',') ?? '-', ip ?? '-', node.lastSeen ?? '-'];
}

export const nodeList: CommandSpec = {
  path: ['node', 'list'],
  summary: 'list the nodes of the inventory (or of NODESET): one row per node',
  example: "node list 'c[001-100]' --json",
  args: [{ name: 'NODESET', completes: 'nodes' }],
  async run({ services, json }, { args }) {
    const nodes = await listNodes(services.inventory, args.NODESET === undefined ? undefined : String(args.NODESET), { requireAll: true });
    const warnings: string[] = [];
    // Only read when there are nodes: the boot records are serve's, a listing never writes them.
    // Their code is loaded here, not by every command at start-up.
    const seen = nodes.length === 0 ? undefined : await readLastSeen(services.paths.nodeBootsFile, (line) => warnings.push(line), nodes.map((node) => node.name));
    const data: ListedNode[] = nodes.map((node) => ({ ...node, lastSeen: seen?.get(node.name) ?? null }));
    // With --json the table is never printed: not building it saves a third of the time over 10,000 nodes.
    const text = json ? undefined : data.length === 0 ? 'No nodes.' : renderColumns(['NAME', 'PROFILES', 'IMAGE', 'MAC', 'IP', 'LAST SEEN'], data.map(row));
    return { data, text, warnings };
  },
};

export const nodeShow: CommandSpec = {
  path: ['node', 'show'],
  summary: 'show one node: its effective attributes and where each comes from',
  example: 'node show c001',
  args: [{ name: 'NODE', required: true, completes: 'nodes' }],
  async run({ services }, { args }) {
    const node = await showNode(services.inventory, String(args.NODE));
    const lines = [`${node.name}${node.profiles.length ? ` (profiles: ${node.profiles.join(', ')})` : ''}`];
    for (const [key, value] of Object.entries(node.attributes)) {
      if (key === 'vars') continue;
      lines.push(`  ${key}: ${Array.isArray(value) ? value.join(', ') : String(value)}  [${String(node.origins[key])}]`);
    }
    for (const [key, value] of Object.entries(node.attributes.vars ?? {})) lines.push(`  vars.${key}: ${value}  [${node.origins.vars?.[key] ?? ''}]`);
    if (node.missingProfiles.length) lines.push(`  missing profiles: ${node.missingProfiles.join(', ')}`);
    // Values come from nodes.yml, which anyone with a text editor can fill with a terminal's escape sequences.
    return { data: node, text: lines.map(escapeControls).join('\n') };
  },
};
