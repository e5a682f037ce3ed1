/**
 * The `hostname` overlay, generated in code: `/etc/hostname` with the node's
 * name and `/etc/hosts` with every inventory node that has an address. The
 * same text as a nunjucks loop would give, but /etc/hosts of 10,000 nodes
 * takes milliseconds instead of a quarter of a second, and it is built once
 * per render and shared by every node. A site overlay named `hostname`
 * (docs/overlays.md has the equivalent template) replaces it.
 */
import type { InventoryHost } from './context.js';
import type { OverlayEntry } from './rendered.js';

/** The text of /etc/hosts for `hosts`. */
export function hostsText(hosts: readonly InventoryHost[]): Buffer {
  const lines = ['# Written by disklessset (hostname overlay) from the node inventory.', '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
  for (const host of hosts) {
    if (host.ip === undefined) continue;
    const short = host.name.includes('.') ? `\t${host.name.split('.')[0] ?? ''}` : '';
    lines.push(`${host.ip}\t${host.name}${short}`);
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** The entries of the `hostname` overlay for node `name`; `hosts` is the shared /etc/hosts text. */
export function hostnameEntries(name: string, hosts: Buffer): OverlayEntry[] {
  return [
    { path: '/etc/hostname', kind: 'file', mode: 0o644, uid: 0, gid: 0, data: Buffer.from(`${name}\n`), secret: false },
    { path: '/etc/hosts', kind: 'file', mode: 0o644, uid: 0, gid: 0, data: hosts, secret: false },
  ];
}
