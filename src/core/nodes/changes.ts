/**
 * A change to nodes or to a profile (what `node set`, `profile set` and the
 * API ask for), checked as a whole and applied to one inventory entry.
 */
import { UsageError } from '../../errors/index.js';
import { ATTRIBUTE_KEYS, type NodeAttributes, type NodeEntry } from './attributes.js';

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
 * Refuses a change that sets and removes the same attribute or variable
 * (`--image X --unset-image`): which one was meant cannot be guessed.
 * @throws UsageError E_NODE_CONTRADICTION naming the attribute.
 */
export function checkChanges(changes: AttributeChanges): void {
  const both = (changes.unset ?? []).filter((key) => changes.set?.[key] !== undefined);
  const varsBoth = (changes.unsetVars ?? []).filter((name) => changes.vars !== undefined && Object.hasOwn(changes.vars, name));
  const named = [...both, ...varsBoth.map((name) => `vars.${name}`)];
  if (named.length > 0) {
    throw new UsageError('E_NODE_CONTRADICTION', `the change both sets and removes ${named.join(', ')}`, 'give either the value or its removal, not both');
  }
}

/** Applies `changes` to `entry` (checked first with {@link checkChanges}). */
export function applyChanges(entry: NodeEntry, changes: AttributeChanges): void {
  for (const key of changes.unset ?? []) delete entry[key];
  for (const key of ATTRIBUTE_KEYS) {
    const value = changes.set?.[key];
    if (value !== undefined) (entry as Record<string, unknown>)[key] = Array.isArray(value) ? [...value] : value;
  }
  if (changes.vars || changes.unsetVars) {
    const vars = { ...(entry.vars ?? {}), ...(changes.vars ?? {}) };
    for (const name of changes.unsetVars ?? []) delete vars[name];
    entry.vars = vars;
    if (Object.keys(vars).length === 0) delete entry.vars;
  }
  if (changes.profiles) entry.profiles = [...new Set(changes.profiles)];
}
