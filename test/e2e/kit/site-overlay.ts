/**
 * The site overlay of the overlay boots: it replaces the tree's marker script
 * with a template rendered per node, so the console proves what the node got
 * at boot — its own /etc/hostname, a per-node variable, and the SHA-256 of its
 * SSH host key blob (what `ssh-keygen -l` shows as `SHA256:<base64>`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MARKER_PREFIX } from './os-tree-content.js';

/** Name of the site overlay written by {@link writeSiteOverlay}. */
export const SITE_OVERLAY = 'e2e-site';

/** Start of the console line the overlay's script prints before the marker. */
export const OVERLAY_LINE_PREFIX = 'DISKLESSSET-E2E-OVERLAY';

/** What a node printed about its overlay. */
export interface OverlayLine {
  color: string;
  etcHostname: string;
  /** Hex SHA-256 of the ed25519 host key blob, or 'none' without the ssh-host-keys overlay. */
  hostKeySha256: string;
}

// The tree path of the kit's marker script (os-tree-content.ts): the overlay's copy wins at boot.
const TEMPLATE = [
  '#!/bin/sh',
  '# disklessset e2e kit, rendered per node by the e2e-site overlay.',
  'host="$(hostname)"',
  'date -u > "/var/tmp/e2e-wrote-$host"',
  'sync',
  'key=none',
  'pub=/etc/ssh/ssh_host_ed25519_key.pub',
  'if [ -f "$pub" ]; then key="$(cut -d" " -f2 "$pub" | base64 -d | sha256sum | cut -d" " -f1)"; fi',
  `echo "${OVERLAY_LINE_PREFIX} color={{ node.vars.color }} etc-hostname=$(cat /etc/hostname) hostkey=$key" > /dev/ttyS0`,
  `echo "${MARKER_PREFIX} $host" > /dev/ttyS0`,
  '',
].join('\n');

/** Writes the site overlay under `overlaysDir` (the root's `<configDir>/overlays`). */
export async function writeSiteOverlay(overlaysDir: string): Promise<void> {
  const dir = join(overlaysDir, SITE_OVERLAY, 'usr', 'local', 'sbin');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'disklessset-e2e-marker.j2'), TEMPLATE, { mode: 0o755 });
}

/** The overlay line of a serial console, or undefined when the node never printed one. */
export function overlayLineOf(console: string): OverlayLine | undefined {
  const match = new RegExp(`${OVERLAY_LINE_PREFIX} color=(\\S*) etc-hostname=(\\S*) hostkey=(\\S+)`).exec(console);
  return match ? { color: match[1]!, etcHostname: match[2]!, hostKeySha256: match[3]! } : undefined;
}

/** `SHA256:<base64 without padding>` (ssh-keygen -l) as hex. */
export function fingerprintHex(fingerprint: string): string {
  const base64 = /SHA256:([A-Za-z0-9+/]+)/.exec(fingerprint)?.[1];
  if (!base64) throw new Error(`not an SSH fingerprint: ${fingerprint}`);
  return Buffer.from(base64, 'base64').toString('hex');
}
