/**
 * The attribute options shared by `node add`, `node set`, `profile add` and
 * `profile set`, turned into inventory values through the one attribute
 * check (core/nodes/attributes.ts) and the one change reader
 * (core/nodes/changes.ts), so the CLI accepts exactly what the inventory
 * file and the API accept.
 */
import { UsageError } from '../../../errors/index.js';
import { checkAttributes, checkVarName, type NodeAttributes, type NodeEntry } from '../../../core/nodes/attributes.js';
import { parseAttributeChanges, type AttributeChanges } from '../../../core/nodes/changes.js';
import type { OptionSpec, ParsedInput } from '../../command.js';

/** Options setting attributes. */
export const ATTRIBUTE_OPTIONS: OptionSpec[] = [
  { name: 'image', type: 'string', description: 'image the nodes boot', valueName: 'IMAGE' },
  { name: 'kernel-args', type: 'string', description: 'extra kernel arguments (one line)', valueName: 'TEXT' },
  { name: 'mac', type: 'string', repeatable: true, description: 'MAC address (repeat for several)', valueName: 'MAC' },
  { name: 'ip', type: 'string', description: 'IP address', valueName: 'IP' },
  { name: 'var', type: 'string', repeatable: true, description: 'variable for overlays, NAME=VALUE (repeatable)', valueName: 'NAME=VALUE' },
  { name: 'overlay', type: 'string', repeatable: true, description: 'overlay given at boot, in order (repeatable; replaces the own list)', valueName: 'OVERLAY' },
  { name: 'servers', type: 'string', description: 'boot servers to fetch from, in order of preference (comma-separated names, see `server list`)', valueName: 'NAME,...' },
  { name: 'p2p', type: 'boolean', description: 'fetch the root image peer-to-peer (BitTorrent, HTTP as fallback) at boot' },
  // Commander reads --no-p2p as p2p=false (both options share the attribute), so a profile's yes can be turned off per node.
  { name: 'no-p2p', type: 'boolean', description: 'fetch the root image over plain HTTP, even if a profile says --p2p' },
];

/** `--create-tree`: the commands that may give nodes an image keeping one root per node (NFS golden) create the missing roots. */
export const CREATE_TREE_OPTION: OptionSpec = { name: 'create-tree', type: 'boolean', description: 'create the NFS node trees the nodes lack in a golden image they get, instead of refusing' };

/** `--profile`, for nodes only. */
export const PROFILE_OPTION: OptionSpec = { name: 'profile', type: 'string', repeatable: true, description: 'profile to inherit, in order (repeatable)', valueName: 'PROFILE' };

/** Options removing attributes (`node set`, `profile set`). */
export const UNSET_OPTIONS: OptionSpec[] = [
  { name: 'unset-image', type: 'boolean', description: 'remove the image (inherit it from profiles again)' },
  { name: 'unset-kernel-args', type: 'boolean', description: 'remove the extra kernel arguments' },
  { name: 'unset-mac', type: 'boolean', description: 'remove the MAC addresses' },
  { name: 'unset-ip', type: 'boolean', description: 'remove the IP address' },
  { name: 'unset-var', type: 'string', repeatable: true, description: 'remove a variable (repeatable)', valueName: 'NAME' },
  { name: 'unset-overlays', type: 'boolean', description: 'remove the own overlay list (the profiles\' lists still apply)' },
  { name: 'unset-servers', type: 'boolean', description: 'remove the own boot server list (inherit it from profiles again)' },
  { name: 'unset-p2p', type: 'boolean', description: 'remove the own peer-to-peer choice (inherit it from profiles again)' },
];

/** Unset flag → the attribute it removes. */
const UNSET_FLAGS = [['unset-image', 'image'], ['unset-kernel-args', 'kernelArgs'], ['unset-mac', 'mac'], ['unset-ip', 'ip'], ['unset-overlays', 'overlays'], ['unset-servers', 'servers'], ['unset-p2p', 'p2p']] as const;

function list(value: unknown): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

function parseVars(values: readonly string[]): Record<string, string | null> | undefined {
  if (values.length === 0) return undefined;
  const vars: Record<string, string | null> = {};
  for (const item of values) {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError('E_NODE_VAR', `--var ${JSON.stringify(item)} is not NAME=VALUE`, 'e.g. --var rack=a12');
    vars[checkVarName(item.slice(0, at), 'the options')] = item.slice(at + 1);
  }
  return vars;
}

/** The attribute options as data, in the inventory's key names (options not given left out). */
function rawAttributes(options: ParsedInput['options'], withProfiles: boolean): Record<string, unknown> {
  const raw: Record<string, unknown> = {
    image: options.image, kernelArgs: options['kernel-args'], ip: options.ip,
    mac: options.mac === undefined ? undefined : list(options.mac), vars: parseVars(list(options.var)),
    overlays: options.overlay === undefined ? undefined : list(options.overlay),
    servers: options.servers,
    p2p: options.p2p,
  };
  if (withProfiles && options.profile !== undefined) raw.profiles = list(options.profile);
  for (const key of Object.keys(raw)) if (raw[key] === undefined) delete raw[key];
  return raw;
}

/**
 * The attributes given by options, checked.
 * @throws UsageError as checkAttributes (E_NODE_MAC, E_NODE_IP, ...).
 */
export function attributesFromOptions(options: ParsedInput['options'], withProfiles: boolean): NodeEntry {
  return checkAttributes(rawAttributes(options, withProfiles), 'the options', withProfiles);
}

/**
 * The change given by the options of `node set` / `profile set`, as the
 * merge patch the API takes (an unset option is a `null`), read by the same
 * function. An attribute or variable both set and unset cannot be written
 * in a patch: its removal is added to the change as given, and the library
 * refuses the contradiction (E_NODE_CONTRADICTION, one check for every caller).
 * @throws UsageError as parseAttributeChanges.
 */
export function changesFromOptions(options: ParsedInput['options'], withProfiles: boolean): AttributeChanges {
  const patch = rawAttributes(options, withProfiles);
  const contradicted: (keyof NodeAttributes)[] = [];
  for (const [flag, key] of UNSET_FLAGS) {
    if (options[flag] !== true) continue;
    if (patch[key] === undefined) patch[key] = null;
    else contradicted.push(key);
  }
  const contradictedVars: string[] = [];
  const unsetVars = list(options['unset-var']);
  if (unsetVars.length > 0) {
    const vars = (patch.vars ?? {}) as Record<string, string | null>;
    for (const name of unsetVars) {
      checkVarName(name, 'the options');
      if (Object.hasOwn(vars, name)) contradictedVars.push(name);
      else vars[name] = null;
    }
    patch.vars = vars;
  }
  const changes = parseAttributeChanges(patch, 'the options', withProfiles);
  return { ...changes, unset: [...(changes.unset ?? []), ...contradicted], unsetVars: [...(changes.unsetVars ?? []), ...contradictedVars] };
}
