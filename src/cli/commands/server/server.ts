/** `disklessset server add|remove|list`: boot servers nodes fetch from (thin layer over core/nodes/server-operations.ts). */
import { addServer, listServers, removeServer } from '../../../core/nodes/server-operations.js';
import { countNodes } from '../../../nodeset/index.js';
import type { CommandSpec } from '../../command.js';
import { renderColumns } from '../../render.js';

export const serverAdd: CommandSpec = {
  path: ['server', 'add'],
  summary: 'add a boot server (a satellite or the main server) that nodes can name with --servers',
  example: 'server add sat1 http://10.0.1.2:8080',
  args: [{ name: 'NAME', required: true }, { name: 'URL', required: true }],
  async run({ services }, { args }) {
    const server = await addServer(services.inventory, String(args.NAME), String(args.URL));
    return { data: server, text: `boot server ${server.name} added: ${server.url}` };
  },
};

export const serverRemove: CommandSpec = {
  path: ['server', 'remove'],
  summary: 'remove a boot server (--force: also when nodes or profiles name it; it leaves their lists)',
  example: 'server remove sat1',
  args: [{ name: 'NAME', required: true }],
  options: [{ name: 'force', type: 'boolean', description: 'remove it from the nodes and profiles that name it too' }],
  async run({ services }, { args, options }) {
    const removed = await removeServer(services.inventory, String(args.NAME), { force: options.force === true });
    const from = [removed.nodeCount ? `${removed.nodes} (${countNodes(removed.nodeCount)})` : '', removed.profiles.length ? `profile ${removed.profiles.join(', ')}` : '']
      .filter((part) => part !== '');
    return { data: removed, text: `boot server ${removed.name} removed${from.length ? `; taken out of the lists of ${from.join(' and ')}` : ''}` };
  },
};

export const serverList: CommandSpec = {
  path: ['server', 'list'],
  summary: 'list boot servers with the nodes and profiles naming each',
  example: 'server list --json',
  async run({ services }) {
    const data = await listServers(services.inventory);
    // Who names a server: its nodes (count, the folded set in --json) and the profiles listing it.
    const text = data.length === 0 ? 'No boot servers (nodes fetch from the server they booted from).'
      : renderColumns(['SERVER', 'NODES', 'PROFILES', 'URL'], data.map((server) => [server.name, server.nodeCount, server.profiles.join(',') || '-', server.url]));
    return { data, text };
  },
};
