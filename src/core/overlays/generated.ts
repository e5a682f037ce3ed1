/**
 * The built-in overlays the tool generates in code rather than ships as a
 * tree: what each produces cannot be one template per file (one file per
 * interface; keys made once per node by ssh-keygen), or must stay fast for
 * 10,000 nodes (/etc/hosts).
 */

/** Names of the generated built-in overlays. */
export type GeneratorName = 'hostname' | 'network' | 'ssh-host-keys';

/** What `overlay list` and `overlay show` say about a generated overlay. */
export interface GeneratedOverlay {
  description: string;
  /** The paths it delivers, as patterns (`<ifname>` varies per node). */
  files: string[];
}

export const GENERATED_OVERLAYS: Readonly<Record<GeneratorName, GeneratedOverlay>> = {
  'hostname': {
    description: '/etc/hostname with the node\'s name, /etc/hosts with every inventory node that has an IP address',
    files: ['/etc/hostname', '/etc/hosts'],
  },
  'network': {
    description: 'systemd-networkd files for the interfaces the node\'s net_<ifname>_ip variables describe',
    files: ['/etc/systemd/network/50-disklessset-<ifname>.network'],
  },
  'ssh-host-keys': {
    description: 'SSH host keys (ed25519, ecdsa), made once per node and kept in the state folder',
    files: ['/etc/ssh/ssh_host_ed25519_key', '/etc/ssh/ssh_host_ed25519_key.pub', '/etc/ssh/ssh_host_ecdsa_key', '/etc/ssh/ssh_host_ecdsa_key.pub'],
  },
};
