/**
 * The attribute options shared by `node add`, `node set`, `profile add` and
 * `profile set`, turned into inventory values through the one attribute
 * check (core/nodes/attributes.ts), so the CLI accepts exactly what the
 * inventory file and the API accept.
 */
import { UsageError } from '../../../errors/index.js';
import { checkAttributes, type NodeAttributes, type NodeEntry } from '../../../core/nodes/attributes.js';
import type { AttributeChanges } from '../../../core/nodes/inventory.js';
import type { OptionSpec, ParsedInput } from '../../command.js';

/** Options setting attributes. */
export const ATTRIBUTE_OPTIONS: OptionSpec[] = [
  { name: 'image', type: 'string', description: 'image the nodes boot', valueName: 'IMAGE' },
  { name: 'kernel-args', type: 'string', description: 'extra kernel arguments (one line)', valueName: 'TEXT' },
  { name: 'mac', type: 'string', repeatable: true, description: 'MAC address (repeat for several)', valueName: 'MAC' },
  { name: 'ip', type: 'string', description: 'IP address', valueName: 'IP' },
  { name: 'var', type: 'string', repeatable: true, description: 'variable for overlays, NAME=VALUE (repeatable)', valueName: 'NAME=VALUE' },
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
];

function list(value: unknown): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

function parseVars(values: readonly string[]): Record<string, string> | undefined {
  if (values.length === 0) return undefined;
  const vars: Record<string, string> = {};
  for (const item of values) {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError('E_NODE_VAR', `--var ${JSON.stringify(item)} is not NAME=VALUE`, 'e.g. --var rack=a12');
    vars[item.slice(0, at)] = item.slice(at + 1);
  }
  return vars;
}

/**
 * The attributes given by options, checked.
 * @throws UsageError as checkAttributes (E_NODE_MAC, E_NODE_IP, ...).
 */
export function attributesFromOptions(options: ParsedInput['options'], withProfiles: boolean): NodeEntry {
  const raw: Record<string, unknown> = {
    image: options.image, kernelArgs: options['kernel-args'], ip: options.ip,
    mac: options.mac === undefined ? undefined : list(options.mac), vars: parseVars(list(options.var)),
  };
  if (withProfiles && options.profile !== undefined) raw.profiles = list(options.profile);
  for (const key of Object.keys(raw)) if (raw[key] === undefined) delete raw[key];
  return checkAttributes(raw, 'the options', withProfiles);
}

/** The change given by the options of `node set` / `profile set`. */
export function changesFromOptions(options: ParsedInput['options'], withProfiles: boolean): AttributeChanges {
  const { vars, profiles, ...set } = attributesFromOptions(options, withProfiles);
  const unset = ([['unset-image', 'image'], ['unset-kernel-args', 'kernelArgs'], ['unset-mac', 'mac'], ['unset-ip', 'ip']] as const)
    .filter(([flag]) => options[flag] === true).map(([, key]) => key as keyof NodeAttributes);
  const changes: AttributeChanges = { set, vars, unset, unsetVars: list(options['unset-var']), profiles };
  const empty = Object.keys(set).length === 0 && !vars && !profiles && unset.length === 0 && changes.unsetVars?.length === 0;
  if (empty) throw new UsageError('E_NOTHING_TO_CHANGE', 'no change given', 'pass at least one attribute option, e.g. --ip or --var NAME=VALUE');
  return changes;
}
