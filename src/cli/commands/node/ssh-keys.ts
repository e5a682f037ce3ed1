/**
 * `disklessset node ssh-keys NODE [--fingerprint]`: the SSH host keys the
 * ssh-host-keys overlay gives a node (made now if it has none yet): public
 * keys as known_hosts lines, or their fingerprints as `ssh-keygen -l` prints them.
 */
import { fingerprintOf, knownHostsLine } from '../../../core/overlays/index.js';
import type { CommandSpec } from '../../command.js';

export const nodeSshKeys: CommandSpec = {
  path: ['node', 'ssh-keys'],
  summary: 'print the SSH host keys NODE gets at boot, as known_hosts lines (or their fingerprints)',
  example: 'node ssh-keys c001 --fingerprint',
  args: [{ name: 'NODE', required: true, completes: 'nodes' }],
  options: [{ name: 'fingerprint', type: 'boolean', description: 'print fingerprints (ssh-keygen -l) instead of the keys' }],
  async run({ services }, { args, options }) {
    const node = String(args.NODE);
    const keys = await services.overlays.hostKeys(node);
    const [effective] = await services.inventory.effectiveNodes(node);
    const ip = effective?.attributes.ip;
    if (options.fingerprint === true) {
      const fingerprints = [];
      for (const key of keys) fingerprints.push({ type: key.type, fingerprint: await fingerprintOf(key) });
      return { data: { node, fingerprints }, text: fingerprints.map((f) => f.fingerprint).join('\n') };
    }
    const lines = keys.map((key) => ({ type: key.type, knownHosts: knownHostsLine(key, node, ip) }));
    return { data: { node, keys: lines }, text: lines.map((line) => line.knownHosts).join('\n') };
  },
};
