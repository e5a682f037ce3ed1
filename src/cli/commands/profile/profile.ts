/** `disklessset profile add|set|remove|list|show`: attributes shared by nodes (thin layer over core/nodes/node-operations.ts). */
import { validateProfileName } from '../../../core/names.js';
import { addProfile, changeProfile, listProfiles, showProfile, type ProfileView } from '../../../core/nodes/node-operations.js';
import type { CommandSpec } from '../../command.js';
import { p2pWithoutEffect } from '../../../core/nodes/p2p-check.js';
import { countNodes } from '../../../nodeset/index.js';
import { withNodeRoots } from '../../../boot/index.js';
import { ATTRIBUTE_OPTIONS, CREATE_TREE_OPTION, UNSET_OPTIONS, attributesFromOptions, changesFromOptions } from '../node/node-options.js';

export const profileAdd: CommandSpec = {
  path: ['profile', 'add'],
  summary: 'add a profile: attributes that nodes listing it inherit',
  example: 'profile add compute --image compute-el9',
  args: [{ name: 'PROFILE', required: true }],
  options: ATTRIBUTE_OPTIONS,
  async run({ services }, { args, options }) {
    const profile = await addProfile(services, String(args.PROFILE), attributesFromOptions(options, false));
    const warning = options.p2p === true ? await p2pWithoutEffect(services, { profile: profile.name }) : undefined;
    return { data: profile, text: `profile ${profile.name} added`, warnings: warning ? [warning] : [] };
  },
};

export const profileSet: CommandSpec = {
  path: ['profile', 'set'],
  summary: 'change a profile (every node listing it follows)',
  example: 'profile set compute --kernel-args console=ttyS0,115200',
  args: [{ name: 'PROFILE', required: true }],
  options: [...ATTRIBUTE_OPTIONS, ...UNSET_OPTIONS, CREATE_TREE_OPTION],
  async run({ services, io }, { args, options }) {
    const changes = changesFromOptions(options, false);
    const profile = await withNodeRoots(services, options['create-tree'] === true, () => changeProfile(services, String(args.PROFILE), changes), io);
    const warning = options.p2p === true ? await p2pWithoutEffect(services, { profile: profile.name }) : undefined;
    return { data: profile, text: `profile ${profile.name} changed`, warnings: warning ? [warning] : [] };
  },
};

export const profileRemove: CommandSpec = {
  path: ['profile', 'remove'],
  summary: 'remove a profile (--force: also when nodes list it; it leaves their lists)',
  example: 'profile remove compute --force',
  args: [{ name: 'PROFILE', required: true }],
  options: [{ name: 'force', type: 'boolean', description: 'remove it from the nodes that list it too' }],
  async run({ services }, { args, options }) {
    const name = validateProfileName(String(args.PROFILE));
    const users = await services.inventory.removeProfile(name, { force: options.force === true });
    const said = users.nodeCount ? `; taken out of the profiles of ${users.nodes} (${countNodes(users.nodeCount)})` : '';
    return { data: { name, ...users }, text: `profile ${name} removed${said}` };
  },
};

export const profileList: CommandSpec = {
  path: ['profile', 'list'],
  summary: 'list profiles with the nodes listing each',
  example: 'profile list --json',
  async run({ services }) {
    const data = await listProfiles(services.inventory);
    const width = Math.max(7, ...data.map((p) => p.name.length));
    const text = data.length === 0 ? 'No profiles.'
      : [`${'PROFILE'.padEnd(width)}  NODES  IMAGE`, ...data.map((p) => `${p.name.padEnd(width)}  ${String(p.nodeCount).padStart(5)}  ${p.image ?? '-'}`)].join('\n');
    return { data, text };
  },
};

function profileText({ name, nodes, nodeCount, ...attributes }: ProfileView): string {
  const lines = [name, ...Object.entries(attributes).map(([key, value]) =>
    `  ${key}: ${Array.isArray(value) ? value.join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value)}`)];
  if (nodeCount > 0) lines.push(`  nodes: ${nodes} (${nodeCount})`);
  return lines.join('\n');
}

export const profileShow: CommandSpec = {
  path: ['profile', 'show'],
  summary: 'show one profile',
  example: 'profile show compute',
  args: [{ name: 'PROFILE', required: true }],
  async run({ services }, { args }) {
    const profile = await showProfile(services.inventory, String(args.PROFILE));
    return { data: profile, text: profileText(profile) };
  },
};
