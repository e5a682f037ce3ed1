/**
 * A change to nodes or to a profile: the shape NodeInventory applies, read
 * from one form of data, a JSON merge patch (RFC 7396). The API's PATCH
 * bodies are such patches, and `node set` / `profile set` turn their options
 * into one, so both take exactly the same path and checks.
 */
import { UsageError } from '../../errors/index.js';
import { requireKnownKeys } from '../raw-options.js';
import { ATTRIBUTE_KEYS, NODE_KEYS, checkAttributes, checkVarName, type NodeAttributes, type NodeEntry } from './attributes.js';

/** A change to nodes or to a profile; every field is optional. */
export interface AttributeChanges {
  /** Attributes to set (a list, such as `mac`, replaces the old one). */
  set?: NodeAttributes;
  /** Variables to add or change (merged with the existing ones). */
  vars?: Record<string, string>;
  /** Attributes to remove (then inherited again from profiles). */
  unset?: (keyof NodeAttributes)[];
  /** Variables to remove. */
  unsetVars?: string[];
  /** New profile list (nodes only): replaces the old one. */
  profiles?: string[];
}

/**
 * Reads a merge patch: a key with a value sets that attribute (a list
 * replaces the old list), a key with `null` removes it (it is inherited from
 * profiles again). Under `vars`, each variable likewise
 * (`{"vars": {"rack": "a1", "slot": null}}`); `"vars": null` removes them all.
 * `profiles` (nodes only) replaces the node's list; `null` empties it.
 * `where` names the patch in messages ("the request body", "the options").
 * @throws UsageError E_NODE_ENTRY (not an object), E_UNKNOWN_OPTION (with the
 *   nearest key), E_NOTHING_TO_CHANGE (empty patch), and those of checkAttributes.
 */
export function parseAttributeChanges(raw: unknown, where: string, allowProfiles: boolean): AttributeChanges {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UsageError('E_NODE_ENTRY', `${where} must be a map of attributes`, `known keys: ${NODE_KEYS.join(', ')}`);
  }
  const patch = raw as Record<string, unknown>;
  requireKnownKeys(patch, allowProfiles ? NODE_KEYS : ATTRIBUTE_KEYS, where);
  const toSet: Record<string, unknown> = {};
  const unset: (keyof NodeAttributes)[] = [];
  const unsetVars: string[] = [];
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) {
      if (key !== 'profiles') unset.push(key as keyof NodeAttributes);
    } else if (key === 'vars' && typeof value === 'object' && !Array.isArray(value)) {
      const kept: Record<string, unknown> = {};
      // Checked before copying: `kept.__proto__ = text` would drop the variable without a word.
      for (const [name, text] of Object.entries(value as Record<string, unknown>)) {
        checkVarName(name, where);
        if (text === null) unsetVars.push(name);
        else kept[name] = text;
      }
      if (Object.keys(kept).length > 0) toSet.vars = kept;
    } else {
      toSet[key] = value;
    }
  }
  const { vars, profiles, ...set } = checkAttributes(toSet, where, allowProfiles);
  const changes: AttributeChanges = { set, vars, unset, unsetVars, profiles: patch.profiles === null ? [] : profiles };
  if (Object.keys(set).length === 0 && !vars && !changes.profiles && unset.length === 0 && unsetVars.length === 0) {
    throw new UsageError('E_NOTHING_TO_CHANGE', `no change given in ${where}`,
      'set an attribute (e.g. ip) or remove one (null in an API body, --unset-... on the command line)');
  }
  return changes;
}

/**
 * Refuses a change that sets and removes the same attribute or variable
 * (`--image X --unset-image`): which one was meant cannot be guessed; and
 * variable names that cannot be stored (a library caller's `__proto__`).
 * @throws UsageError E_NODE_CONTRADICTION naming the attribute, E_NODE_VAR.
 */
export function checkChanges(changes: AttributeChanges): void {
  for (const name of [...Object.keys(changes.vars ?? {}), ...(changes.unsetVars ?? [])]) checkVarName(name, 'the change');
  const both = (changes.unset ?? []).filter((key) => changes.set?.[key] !== undefined);
  const varsBoth = (changes.unsetVars ?? []).filter((name) => changes.vars !== undefined && Object.hasOwn(changes.vars, name));
  const named = [...both, ...varsBoth.map((name) => `vars.${name}`)];
  if (named.length > 0) {
    throw new UsageError('E_NODE_CONTRADICTION', `the change both sets and removes ${named.join(', ')}`, 'give either the value or its removal, not both');
  }
}

/** Applies `changes` to one node or profile entry, in place (checked first with {@link checkChanges}). */
export function applyChanges(entry: NodeEntry, changes: AttributeChanges): void {
  for (const key of changes.unset ?? []) delete entry[key];
  for (const key of ATTRIBUTE_KEYS) {
    const value = changes.set?.[key];
    if (value !== undefined) (entry as Record<string, unknown>)[key] = Array.isArray(value) ? [...value] : value;
  }
  if (changes.vars || changes.unsetVars?.length) {
    const vars = { ...(entry.vars ?? {}), ...(changes.vars ?? {}) };
    for (const name of changes.unsetVars ?? []) delete vars[name];
    entry.vars = vars;
    if (Object.keys(vars).length === 0) delete entry.vars;
  }
  if (changes.profiles) entry.profiles = [...new Set(changes.profiles)];
}
