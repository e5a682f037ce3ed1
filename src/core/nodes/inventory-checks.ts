/**
 * Whole-inventory rules that one entry alone cannot check: no two node names
 * differ only in case, a MAC address or an IP address identifies one node, no node is named like another node's
 * MAC script, and a node or a profile may only name profiles that exist. They run on every requested change (see
 * NodeInventory.update), on the effective values (a profile's `ip` given to
 * two nodes is a duplicate too), and only complain about nodes the change
 * touched, so a duplicate left by a hand edit does not block unrelated work.
 */
import { UsageError } from '../../errors/index.js';
import { isImmutablePath } from '../../serve/versioned-names.js';
import { changedProfiles, effectiveValue, untouched } from './effective.js';
import type { NodeEntry } from './attributes.js';
import { caseClash, type InventoryDocument } from './inventory-file.js';

/** Node → its effective MACs and IP. */
type Addresses = Map<string, { mac: string[]; ip?: string }>;

/**
 * Whether the change adds no node and leaves every node's effective MACs
 * and IP as they were: then it cannot break an address rule, and the rules
 * are not run. Only the nodes the change touched are merged (see
 * effective.ts untouched), so a one-node change does not look up 10,000.
 */
function sameAddressesEverywhere(previous: InventoryDocument, next: InventoryDocument): boolean {
  const profiles = changedProfiles(previous.profiles, next.profiles);
  for (const name of Object.keys(next.nodes)) {
    const entry = next.nodes[name] as NodeEntry;
    if (untouched(name, previous.nodes, entry, profiles)) continue;
    if (!Object.hasOwn(previous.nodes, name)) return false;
    const old = previous.nodes[name] as NodeEntry;
    const mac = effectiveValue(entry, next.profiles, 'mac') ?? [];
    const before = { mac: effectiveValue(old, previous.profiles, 'mac') ?? [], ip: effectiveValue(old, previous.profiles, 'ip') };
    if (!sameAddresses(before, { mac, ip: effectiveValue(entry, next.profiles, 'ip') })) return false;
  }
  return true;
}

/** Node → its effective MACs and IP, as one comparable key. */
function addressesOf(document: InventoryDocument): Addresses {
  const result = new Map<string, { mac: string[]; ip?: string }>();
  for (const name of Object.keys(document.nodes)) {
    const node = document.nodes[name] as NodeEntry;
    const mac = effectiveValue(node, document.profiles, 'mac');
    const ip = effectiveValue(node, document.profiles, 'ip');
    if (mac?.length || ip !== undefined) result.set(name, { mac: mac ?? [], ip });
  }
  return result;
}

function sameAddresses(a: { mac: string[]; ip?: string } | undefined, b: { mac: string[]; ip?: string }): boolean {
  return a !== undefined && a.ip === b.ip && a.mac.join(',') === b.mac.join(',');
}

/**
 * The address rules of one change ({@link checkUniqueAddresses}, then
 * {@link checkMacNameClash}), with each side's effective addresses computed
 * once (10,000 nodes: one merge per node and side, not one per rule).
 * @throws UsageError E_NODE_MAC_DUPLICATE, E_NODE_IP_DUPLICATE, E_NODE_MAC_NAME_CLASH.
 */
export function checkAddressRules(previous: InventoryDocument, next: InventoryDocument): void {
  if (sameAddressesEverywhere(previous, next)) return;
  const before = addressesOf(previous);
  const after = addressesOf(next);
  checkUniqueAddresses(before, after);
  checkMacNameClash(previous, next, before, after);
}

/**
 * Refuses a change that gives one MAC or one IP address to two nodes.
 * @throws UsageError E_NODE_MAC_DUPLICATE, E_NODE_IP_DUPLICATE naming both nodes.
 */
function checkUniqueAddresses(before: Addresses, after: Addresses): void {
  const touched = new Set([...after].filter(([name, addresses]) => !sameAddresses(before.get(name), addresses)).map(([name]) => name));
  if (touched.size === 0) return;
  const macOwner = new Map<string, string>();
  const ipOwner = new Map<string, string>();
  for (const [name, { mac, ip }] of after) {
    for (const address of mac) {
      const other = macOwner.get(address);
      if (other !== undefined && (touched.has(name) || touched.has(other))) {
        throw new UsageError('E_NODE_MAC_DUPLICATE', `MAC ${address} would belong to both ${other} and ${name}`,
          'a MAC address identifies one node: give each node its own (`disklessset node list` shows them)');
      }
      macOwner.set(address, name);
    }
    if (ip === undefined) continue;
    const other = ipOwner.get(ip);
    if (other !== undefined && (touched.has(name) || touched.has(other))) {
      throw new UsageError('E_NODE_IP_DUPLICATE', `IP ${ip} would belong to both ${other} and ${name}`,
        'an IP address identifies one node: give each node its own (an ip set on a profile goes to all its nodes)');
    }
    ipOwner.set(ip, name);
  }
}

/**
 * Refuses a node named like another node's MAC script (`52-54-00-00-00-04`,
 * iPXE's `${mac:hexhyp}`): node scripts and MAC scripts share one folder, so
 * the name would take over the file the MAC's owner boots from when it has
 * no host name. Checked both ways (a new name, a new MAC), on effective MACs,
 * and only for nodes the change adds or whose addresses it changes.
 * @throws UsageError E_NODE_MAC_NAME_CLASH naming both nodes.
 */
function checkMacNameClash(previous: InventoryDocument, next: InventoryDocument, before: Addresses, after: Addresses): void {
  const touched = (name: string): boolean => !Object.hasOwn(previous.nodes, name)
    || (after.has(name) && !sameAddresses(before.get(name), after.get(name) as { mac: string[]; ip?: string }));
  for (const [owner, { mac }] of after) {
    for (const address of mac) {
      const name = address.replaceAll(':', '-');
      if (name === owner || !Object.hasOwn(next.nodes, name) || !(touched(name) || touched(owner))) continue;
      throw new UsageError('E_NODE_MAC_NAME_CLASH', `node name ${name} is the MAC ${address} of node ${owner}`,
        'a node named like a MAC would take over that MAC\'s boot script: rename the node or correct the MAC');
    }
  }
}

/**
 * Refuses a change leaving two nodes whose names differ only in case
 * (`c001` and `C001`): host names and DNS are case-insensitive, so both
 * would answer to one name (ClusterShell would keep them apart, but the
 * network cannot). An inventory file holding such a pair is refused when
 * read (inventory-file.ts), so any pair found here is one the change makes.
 * @throws UsageError E_NODE_NAME_CASE naming both nodes.
 */
export function checkNameCase(next: InventoryDocument): void {
  const clash = caseClash(Object.keys(next.nodes));
  if (!clash) return;
  throw new UsageError('E_NODE_NAME_CASE', `node ${clash[1]} differs only in case from node ${clash[0]}`,
    'host names are case-insensitive: use the existing name, or another name (node names are best kept lower case)');
}

/**
 * Refuses a new node whose boot script (`<node>.ipxe`) or overlay archive
 * (`<node>.img`) would be named like an image version's file
 * (`boot-0123456789ab`, `squashfs-0123456789ab`): servers send such names as
 * immutable (cached for a year, never asked again), while a node's files
 * change with every inventory or overlay change. Only names the change adds:
 * a node already in the file is left alone.
 * @throws UsageError E_NODE_NAME_RESERVED.
 */
export function checkVersionedLookalike(previous: InventoryDocument, next: InventoryDocument): void {
  for (const name of Object.keys(next.nodes)) {
    if (Object.hasOwn(previous.nodes, name) || !(isImmutablePath(`${name}.ipxe`) || isImmutablePath(`${name}.img`))) continue;
    throw new UsageError('E_NODE_NAME_RESERVED', `node name ${name} is shaped like an image version's file name`,
      'its boot files would be served as never changing (cached for a year): choose another name');
  }
}

/**
 * Refuses profile names that the inventory does not define, listing the ones it does.
 * @throws UsageError E_NODE_UNKNOWN_PROFILE.
 */
export function requireKnownProfiles(document: InventoryDocument, names: readonly string[] | undefined): void {
  const missing = (names ?? []).filter((name) => !Object.hasOwn(document.profiles, name));
  if (missing.length === 0) return;
  const known = Object.keys(document.profiles).sort();
  throw new UsageError('E_NODE_UNKNOWN_PROFILE', `no profile named ${missing.join(', ')}`,
    `create it first with \`disklessset profile add NAME\`${known.length ? ` (profiles: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', ...' : ''})` : ' (there is no profile yet)'}`);
}
