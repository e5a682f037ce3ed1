/**
 * `disklessset node ssh-keys NODESET [--fingerprint] [--rotate]`: the SSH host
 * keys the ssh-host-keys overlay gives nodes (made now for those that have
 * none yet): public keys as known_hosts lines, or their fingerprints as
 * `ssh-keygen -l` prints them. `--rotate` first replaces the keys by new ones
 * and publishes the nodes' overlay archives again.
 */
import { fingerprintOf, knownHostsLine } from '../../../core/overlays/index.js';
import { expandNodeNames, foldNodes } from '../../../nodeset/index.js';
import type { CommandSpec } from '../../command.js';

export const nodeSshKeys: CommandSpec = {
  path: ['node', 'ssh-keys'],
  summary: 'print the SSH host keys the nodes of NODESET get at boot, as known_hosts lines (or their fingerprints); --rotate makes new ones',
  example: "node ssh-keys 'c[001-004]' --fingerprint",
  args: [{ name: 'NODESET', required: true, completes: 'nodes' }],
  options: [
    { name: 'fingerprint', type: 'boolean', description: 'print fingerprints (ssh-keygen -l) instead of the keys' },
    { name: 'rotate', type: 'boolean', description: 'replace the keys by new ones first (known_hosts entries of the old ones stop matching) and publish the overlays again' },
  ],
  async run({ services }, { args, options }) {
    const nodes = expandNodeNames(String(args.NODESET));
    await services.overlays.requireHostKeyNodes(nodes);
    if (options.rotate === true) await services.overlayDelivery.rotateHostKeys(nodes);
    const keys = await services.overlays.hostKeys(nodes);
    const ips = new Map((await services.inventory.effectiveNodes(String(args.NODESET))).map((node) => [node.name, node.attributes.ip]));
    if (options.fingerprint === true) {
      const fingerprints = [];
      for (const [node, list] of keys) for (const key of list) fingerprints.push({ node, type: key.type, fingerprint: await fingerprintOf(key) });
      return { data: { node: foldNodes(nodes), fingerprints, rotated: options.rotate === true }, text: fingerprints.map((f) => (nodes.length > 1 ? `${f.node}: ${f.fingerprint}` : f.fingerprint)).join('\n') };
    }
    const lines = [...keys].flatMap(([node, list]) => list.map((key) => ({ node, type: key.type, knownHosts: knownHostsLine(key, node, ips.get(node)) })));
    return { data: { node: foldNodes(nodes), keys: lines, rotated: options.rotate === true }, text: lines.map((line) => line.knownHosts).join('\n') };
  },
};
