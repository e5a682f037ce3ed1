/**
 * The `network` overlay: one systemd-networkd `.network` file per interface
 * that the node's variables describe. The variables (see docs/overlays.md):
 * `net_<ifname>_ip` = address with prefix length (`10.1.0.5/16`), and
 * optionally `net_<ifname>_gateway` and `net_<ifname>_dns` (addresses
 * separated by spaces or commas). Variables are flat text, which is what an
 * Ansible inventory or a CSV column can give.
 */
import { isIP } from 'node:net';
import { UsageError } from '../../errors/index.js';
import type { OverlayEntry } from './rendered.js';

const VAR = /^net_([A-Za-z0-9_]{1,15})_(ip|gateway|dns)$/;
const SETTINGS = ['ip', 'gateway', 'dns'];

function networkError(node: string, name: string, what: string, hint: string): UsageError {
  return new UsageError('E_OVERLAY_NETWORK', `node ${node}: variable ${name} ${what}`, hint);
}

function address(value: string, node: string, name: string): string {
  if (isIP(value) === 0) throw networkError(node, name, `holds ${JSON.stringify(value)}, not an IP address`, 'e.g. 10.1.0.254');
  return value;
}

function addressWithPrefix(value: string, node: string, name: string): string {
  const [ip = '', prefix, extra] = value.split('/');
  const family = isIP(ip);
  const bits = Number(prefix);
  if (family === 0 || extra !== undefined || prefix === undefined || !/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128)) {
    throw networkError(node, name, `holds ${JSON.stringify(value)}, not an address with its prefix length`, `e.g. ${name}=10.1.0.5/16`);
  }
  return `${ip}/${bits}`;
}

/**
 * The entries the `network` overlay gives a node with variables `vars`.
 * @throws UsageError E_OVERLAY_NETWORK for a `net_` variable that is not
 *   `net_<ifname>_ip|gateway|dns`, a bad address, or a gateway or DNS without `_ip`.
 */
export function networkEntries(node: string, vars: Readonly<Record<string, string>>): OverlayEntry[] {
  const interfaces = new Map<string, Record<string, string>>();
  for (const [name, value] of Object.entries(vars)) {
    if (!name.startsWith('net_')) continue;
    const match = VAR.exec(name);
    if (!match) throw networkError(node, name, `is not net_<ifname>_${SETTINGS.join('|')}`, 'rename it (variables starting with net_ describe interfaces for the network overlay)');
    const [, ifname = '', setting = ''] = match;
    interfaces.set(ifname, { ...(interfaces.get(ifname) ?? {}), [setting]: value });
  }
  const entries: OverlayEntry[] = [];
  for (const ifname of [...interfaces.keys()].sort()) {
    const settings = interfaces.get(ifname) as Record<string, string>;
    if (settings.ip === undefined) throw networkError(node, `net_${ifname}_ip`, 'is missing', `give the interface its address, e.g. --var net_${ifname}_ip=10.1.0.5/16`);
    const lines = ['[Match]', `Name=${ifname}`, '', '[Network]', `Address=${addressWithPrefix(settings.ip, node, `net_${ifname}_ip`)}`];
    if (settings.gateway !== undefined) lines.push(`Gateway=${address(settings.gateway, node, `net_${ifname}_gateway`)}`);
    for (const dns of (settings.dns ?? '').split(/[\s,]+/).filter(Boolean)) lines.push(`DNS=${address(dns, node, `net_${ifname}_dns`)}`);
    entries.push({ path: `/etc/systemd/network/50-disklessset-${ifname}.network`, kind: 'file', mode: 0o644, uid: 0, gid: 0,
      data: Buffer.from(`# Written by disklessset (network overlay) for ${node}\n${lines.join('\n')}\n`), secret: false });
  }
  return entries;
}
