/**
 * The attributes a node or a profile carries in the inventory, and their one
 * validation. Values come from the CLI, the API, imports (CSV, Ansible) and
 * the inventory file itself; all of them pass here before they are stored,
 * because several end up in boot scripts (image, kernel arguments) or in
 * file names.
 */
import { isIP } from 'node:net';
import { UsageError } from '../../errors/index.js';
import { imageOfReference, isImageName, normalizeImageReference, validateOverlayName, validateProfileName } from '../names.js';
import { requireKnownKeys } from '../raw-options.js';
import { checkServerList } from './servers.js';

/** What a node or a profile may set. Every field is optional: an absent one is inherited. */
export interface NodeAttributes {
  /** MAC addresses, lower case, colon separated (`52:54:00:12:34:56`). */
  mac?: string[];
  /** IPv4 or IPv6 address, in its canonical form (IPv6 as RFC 5952 writes it; an IPv4-mapped one as IPv4). */
  ip?: string;
  /** Image the node boots. */
  image?: string;
  /** Extra kernel arguments, one line, at most {@link MAX_KERNEL_ARGS} characters. */
  kernelArgs?: string;
  /** Free-form variables (for overlays and templates): name → text. */
  vars?: Record<string, string>;
  /**
   * Overlays the node receives at boot, in order (a later one wins on the same
   * path). Unlike the other attributes, a node's list is added to its
   * profiles' lists (see effective.ts).
   */
  overlays?: string[];
  /**
   * Boot servers the node fetches from, in order of preference (names of the
   * inventory's `servers` map): each boot stage falls back to the next one.
   * Replaced whole, like `mac`. Absent: the server the node booted from.
   */
  servers?: string[];
  /**
   * Whether the node fetches its root image peer-to-peer (BitTorrent, with
   * HTTP as fallback): its boot passes `diskless.p2p=1` and the seeding time.
   */
  p2p?: boolean;
}

/** A node: its own attributes plus the profiles it inherits, in order. */
export interface NodeEntry extends NodeAttributes {
  profiles?: string[];
}

/** A profile: attributes shared by the nodes that list it. Profiles do not nest. */
export type ProfileEntry = NodeAttributes;

/** The attribute names, in the order listings show them. */
export const ATTRIBUTE_KEYS = ['image', 'kernelArgs', 'mac', 'ip', 'vars', 'overlays', 'servers', 'p2p'] as const;
/** Keys allowed on a node. */
export const NODE_KEYS: readonly string[] = ['profiles', ...ATTRIBUTE_KEYS];

/** Longest `kernelArgs` (characters): iPXE lines stay well below its limits. */
export const MAX_KERNEL_ARGS = 2048;
// One separator throughout: `52:54-00...` is a typo, not an address.
const MAC = /^[0-9a-f]{2}(?:(?::[0-9a-f]{2}){5}|(?:-[0-9a-f]{2}){5})$/i;
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
// Names JavaScript objects treat specially: `vars.__proto__ = x` sets no variable at all, and the other two
// would read as functions from any object lacking them. Refused rather than silently dropped.
const RESERVED_VAR_NAMES: readonly string[] = ['__proto__', 'constructor', 'prototype'];
/** Longest variable value (characters). */
export const MAX_VAR_VALUE = 4096;

function bad(code: string, message: string, hint: string): never {
  throw new UsageError(code, message, hint);
}

/** A MAC in the inventory's form (lower case, colons); UsageError E_NODE_MAC otherwise. */
export function normalizeMac(value: unknown, where: string): string {
  if (typeof value !== 'string' || !MAC.test(value)) {
    bad('E_NODE_MAC', `invalid MAC address ${JSON.stringify(value)} in ${where}`, 'write it as six hexadecimal pairs, e.g. 52:54:00:12:34:56');
  }
  const mac = value.toLowerCase().replace(/-/g, ':');
  // A group address (first octet odd, broadcast included) or all zeros is never a network card's own.
  if (mac === '00:00:00:00:00:00' || (parseInt(mac.slice(0, 2), 16) & 1) === 1) {
    bad('E_NODE_MAC', `MAC address ${mac} in ${where} is a broadcast, multicast or null address`, 'give the address of the node\'s network card');
  }
  return mac;
}

// An IPv4-mapped IPv6 address in the canonical form the URL parser gives (`::ffff:10.0.0.4` → `::ffff:a00:4`).
const MAPPED_V4 = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;

/**
 * The one written form of an address, so that two spellings of one address
 * compare equal (duplicates) and show the same: IPv6 in its canonical text
 * (RFC 5952: lower case, zeros shortened, `2001:0db8:0::1` → `2001:db8::1`,
 * as Node's URL parser writes it), and an IPv4-mapped IPv6 address as the
 * IPv4 address it carries (`::ffff:10.0.0.4` → `10.0.0.4`: the node has that
 * IPv4 address). IPv4 text is already unique (Node's isIP refuses leading zeros).
 */
function canonicalIp(value: string): string {
  if (isIP(value) === 4) return value;
  const canonical = new URL(`http://[${value}]/`).hostname.slice(1, -1);
  const mapped = MAPPED_V4.exec(canonical);
  if (!mapped) return canonical;
  const [high, low] = [parseInt(mapped[1] as string, 16), parseInt(mapped[2] as string, 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/**
 * An address a node can have, in its canonical form (see canonicalIp): IPv4
 * or IPv6, without zone (`%eth0`), and not an unspecified, loopback,
 * multicast or broadcast address.
 * @throws UsageError E_NODE_IP.
 */
export function checkNodeIp(value: unknown, where: string): string {
  if (typeof value !== 'string' || isIP(value) === 0 || value.includes('%')) {
    bad('E_NODE_IP', `invalid IP address ${JSON.stringify(value)} in ${where}`, 'e.g. ip: 10.10.0.1');
  }
  const ip = canonicalIp(value);
  const v4 = isIP(ip) === 4 ? ip.split('.').map(Number) : undefined;
  const special = v4 ? v4[0] === 0 || v4[0] === 127 || (v4[0] as number) >= 224 : ip === '::' || ip === '::1' || /^ff[0-9a-f]{2}:/.test(ip);
  if (special) bad('E_NODE_IP', `IP address ${value} in ${where} cannot be a node's (unspecified, loopback, multicast or broadcast)`, 'give the node\'s own unicast address');
  return ip;
}

/** Whether `name` can name a variable: letters, digits and `_` (not first), at most 64, not a reserved name. */
export function isVarName(name: string): boolean {
  return VAR_NAME.test(name) && !RESERVED_VAR_NAMES.includes(name);
}

/**
 * The one check of a variable name (CLI options, API bodies, imports, the file).
 * @throws UsageError E_NODE_VAR (invalid, or a reserved name such as `__proto__`).
 */
export function checkVarName(name: string, where: string): string {
  if (RESERVED_VAR_NAMES.includes(name)) {
    bad('E_NODE_VAR', `variable name ${name} in ${where} is a reserved name`, `choose another name (${RESERVED_VAR_NAMES.join(', ')} are reserved)`);
  }
  if (!VAR_NAME.test(name)) bad('E_NODE_VAR', `invalid variable name ${JSON.stringify(name)} in ${where}`, 'use letters, digits and _ (not first), at most 64');
  return name;
}

/** Characters iPXE acts on inside a word: `$` expands (again and again), quotes and backslash change the split. */
const IPXE_ACTIVE = /["$'\\]/;
/** Words iPXE reads as the end of a command (`;`, `||`, `&&`) or the start of a comment. */
const IPXE_TERMINATOR = /^(?:;|\|\||&&|#.*)$/;

/**
 * The one input check of `kernelArgs`: one line of printable text, at most
 * {@link MAX_KERNEL_ARGS} characters, that the boot layer can write into a
 * node's iPXE script as it is (boot/ipxe/quote.ts ipxeArguments, which
 * checks the same again when rendering): no `$`, quote or backslash, and no
 * word `;`, `||`, `&&` or starting with `#`. Refused rather than quoted: a
 * kernel argument changed on the way would boot the node differently than asked.
 * @throws UsageError E_NODE_KERNEL_ARGS.
 */
export function checkKernelArgs(args: unknown, where: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused
  if (typeof args !== 'string' || args.length > MAX_KERNEL_ARGS || /[\0-\x1f\x7f-\x9f]/.test(args)) {
    bad('E_NODE_KERNEL_ARGS', `kernelArgs in ${where} must be one line of printable text (at most ${MAX_KERNEL_ARGS} characters)`, 'e.g. kernelArgs: "console=ttyS0,115200"');
  }
  const word = args.split(' ').find((part) => IPXE_ACTIVE.test(part) || IPXE_TERMINATOR.test(part));
  if (word !== undefined) {
    bad('E_NODE_KERNEL_ARGS', `kernelArgs in ${where} hold ${JSON.stringify(word)}, which the node's iPXE script would not pass on as written`,
      'leave out "$", quotes and backslashes, and the words ";", "||", "&&" and "#..."');
  }
  return args;
}

function checkVars(value: unknown, where: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    bad('E_NODE_VAR', `"vars" in ${where} must be a map of names to text`, 'e.g. vars: {rack: a12}');
  }
  const vars: Record<string, string> = {};
  // Own names, so a `__proto__` key JSON.parse or YAML kept is seen (and refused), never taken for the prototype.
  for (const key of Object.getOwnPropertyNames(value)) {
    checkVarName(key, where);
    const text = (value as Record<string, unknown>)[key];
    const asText = typeof text === 'number' || typeof text === 'boolean' ? String(text) : text;
    if (typeof asText !== 'string' || asText.length > MAX_VAR_VALUE || /[\0\r\n]/.test(asText)) {
      bad('E_NODE_VAR', `variable ${key} in ${where} must be one line of text (at most ${MAX_VAR_VALUE} characters)`, `e.g. ${key}: value`);
    }
    vars[key] = asText;
  }
  return vars;
}

/**
 * Checks attributes given as data (inventory file, API body, import) and
 * returns them normalized (MACs lower case, duplicates dropped). `allowProfiles`
 * says whether a `profiles` list is allowed (nodes: yes; profiles: no).
 * @throws UsageError E_UNKNOWN_OPTION (with the nearest key), E_NODE_MAC,
 *   E_NODE_IP, E_IMAGE_NAME, E_IMAGE_VERSION (a good name with a bad id), E_NODE_KERNEL_ARGS, E_NODE_VAR, E_PROFILE_NAME, E_OVERLAY_NAME, E_SERVER_NAME, E_NODE_P2P.
 */
export function checkAttributes(raw: unknown, where: string, allowProfiles: boolean): NodeEntry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad('E_NODE_ENTRY', `${where} must be a map of attributes`, `known keys: ${NODE_KEYS.join(', ')}`);
  const entry = raw as Record<string, unknown>;
  requireKnownKeys(entry, allowProfiles ? NODE_KEYS : ATTRIBUTE_KEYS, where);
  const checked: NodeEntry = {};
  if (entry.profiles !== undefined && entry.profiles !== null) {
    if (!Array.isArray(entry.profiles)) bad('E_PROFILE_NAME', `"profiles" in ${where} must be a list`, 'e.g. profiles: [compute, gpu]');
    checked.profiles = [...new Set(entry.profiles.map((name) => validateProfileName(String(name))))];
  }
  if (entry.image !== undefined && entry.image !== null) {
    // NAME@VERSION with the id lower-cased (ids are accepted in any case).
    const image = normalizeImageReference(entry.image);
    if (image === undefined) {
      // A good name with a bad id is a version problem: the code and hint the name gate gives it everywhere else.
      const name = typeof entry.image === 'string' && entry.image.includes('@') ? imageOfReference(entry.image) : '';
      if (isImageName(name)) bad('E_IMAGE_VERSION', `invalid image version in ${JSON.stringify(entry.image)} in ${where}`,
        `give NAME@VERSION with a 12-digit version id as \`disklessset image history ${name}\` shows it`);
      bad('E_IMAGE_NAME', `invalid image ${JSON.stringify(entry.image)} in ${where}`, 'give NAME or NAME@VERSION (see `disklessset image list` and `image history`)');
    }
    checked.image = image;
  }
  if (entry.kernelArgs !== undefined && entry.kernelArgs !== null) checked.kernelArgs = checkKernelArgs(entry.kernelArgs, where);
  if (entry.mac !== undefined && entry.mac !== null) {
    const list = Array.isArray(entry.mac) ? entry.mac : [entry.mac];
    checked.mac = [...new Set(list.map((mac) => normalizeMac(mac, where)))];
  }
  if (entry.ip !== undefined && entry.ip !== null) checked.ip = checkNodeIp(entry.ip, where);
  if (entry.vars !== undefined && entry.vars !== null) checked.vars = checkVars(entry.vars, where);
  if (entry.overlays !== undefined && entry.overlays !== null) {
    if (!Array.isArray(entry.overlays)) bad('E_OVERLAY_NAME', `"overlays" in ${where} must be a list`, 'e.g. overlays: [hostname, network]');
    checked.overlays = uniqueKeepingLast(entry.overlays.map((name) => {
      try {
        return validateOverlayName(String(name));
      } catch (error) {
        // Say where: an import names the file and line, nodes.yml the node or profile.
        if (error instanceof UsageError && where !== '') throw new UsageError(error.code, `${error.message} in ${where}`, error.hint);
        throw error;
      }
    }));
  }
  if (entry.servers !== undefined && entry.servers !== null) checked.servers = checkServerList(entry.servers, where);
  if (entry.p2p !== undefined && entry.p2p !== null) {
    if (typeof entry.p2p !== 'boolean') bad('E_NODE_P2P', `"p2p" in ${where} must be true or false, not ${JSON.stringify(entry.p2p)}`, 'e.g. p2p: true');
    checked.p2p = entry.p2p;
  }
  return checked;
}

/**
 * `names` without duplicates, each kept at its LAST position: in an overlay
 * list the last occurrence is the one that wins on shared paths.
 */
export function uniqueKeepingLast(names: readonly string[]): string[] {
  const last = new Map<string, number>();
  names.forEach((name, index) => last.set(name, index));
  return names.filter((name, index) => last.get(name) === index);
}
