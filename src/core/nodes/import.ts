/**
 * Bringing nodes in from what clusters already keep: a CSV list, or any
 * Ansible inventory (BlueBanquise's included), read through Ansible's own
 * `ansible-inventory --list` so every inventory format and plugin works.
 * Everything is parsed and checked first; then one inventory change adds
 * new nodes and updates known ones (re-importing gives the same result).
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { UsageError } from '../../errors/index.js';
import { run } from '../../system/runner.js';
import { foldNodes, isNodeName } from '../../nodeset/index.js';
import { checkAttributes, type NodeEntry } from './attributes.js';
import type { NodeInventory, NodeSetResult } from './inventory.js';

/** Nodes and profiles read from a source, checked. */
export interface ImportPlan {
  nodes: Record<string, NodeEntry>;
  /** Profiles the nodes list (created empty when missing). */
  profiles: string[];
  /** Values left out, one line each (a variable name Ansible allows but the inventory does not...). */
  skipped: string[];
}

/** Result of {@link applyImport}. */
export interface ImportResult extends NodeSetResult {
  added: number;
  updated: number;
  profilesCreated: string[];
  skipped: string[];
}

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

function splitList(value: string): string[] {
  return value.split(/[\s;,]+/).filter(Boolean);
}

/**
 * Reads a CSV list with a header row: `name` (required), `mac` (several
 * separated by spaces or `;`), `ip`, `profiles`, `image`, `kernelArgs`;
 * any other column becomes a variable.
 * @throws UsageError E_IMPORT_CSV naming the line, or the attribute errors of checkAttributes.
 */
export function planCsvImport(text: string, file: string): ImportPlan {
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, comment: '#' }) as Record<string, string>[];
  } catch (error) {
    throw new UsageError('E_IMPORT_CSV', `${file}: ${(error as Error).message.split('\n')[0]}`, 'give a CSV file with a header row: name,mac,ip,profiles,...');
  }
  const plan: ImportPlan = { nodes: {}, profiles: [], skipped: [] };
  rows.forEach((row, index) => {
    const where = `${file} line ${index + 2}`;
    const { name, mac, ip, profiles, image, kernelArgs, ...rest } = row;
    if (!name || !isNodeName(name)) throw new UsageError('E_IMPORT_CSV', `${where}: invalid or missing node name ${JSON.stringify(name ?? '')}`, 'the "name" column holds host names');
    const vars = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== ''));
    const raw = { mac: mac ? splitList(mac) : undefined, ip: ip || undefined, profiles: profiles ? splitList(profiles) : undefined,
      image: image || undefined, kernelArgs: kernelArgs || undefined, vars: Object.keys(vars).length ? vars : undefined };
    plan.nodes[name] = checkAttributes(raw, where, true);
  });
  plan.profiles = [...new Set(Object.values(plan.nodes).flatMap((node) => node.profiles ?? []))];
  return plan;
}

interface AnsibleList {
  _meta?: { hostvars?: Record<string, Record<string, unknown>> };
  [group: string]: { hosts?: string[]; children?: string[] } | AnsibleList['_meta'];
}

/** Groups of each host, shallow (closest to `all`) first, as Ansible orders variable precedence. */
function groupsOf(list: AnsibleList): Map<string, string[]> {
  const result = new Map<string, string[]>();
  const visit = (group: string, chain: readonly string[]): void => {
    const entry = list[group] as { hosts?: string[]; children?: string[] } | undefined;
    if (!entry || chain.includes(group)) return;
    const here = group === 'all' || group === 'ungrouped' ? chain : [...chain, group];
    for (const host of entry.hosts ?? []) {
      const known = result.get(host) ?? [];
      for (const name of here) if (!known.includes(name)) known.push(name);
      result.set(host, known);
    }
    for (const child of entry.children ?? []) visit(child, here);
  };
  visit('all', []);
  return result;
}

/**
 * Maps `ansible-inventory --list` output: groups (but `all` and `ungrouped`)
 * become profiles, host variables `mac` (or `macs`) and `ip` (or
 * `ansible_host`) become attributes, the other variables `vars` (non-text
 * values as JSON). Ansible's own `ansible_*` variables are left out.
 * @throws UsageError E_IMPORT_ANSIBLE for output that is not an inventory list.
 */
export function planAnsibleImport(list: unknown, source: string): ImportPlan {
  if (typeof list !== 'object' || list === null || !('_meta' in list)) {
    throw new UsageError('E_IMPORT_ANSIBLE', `${source}: ansible-inventory gave no host list`, 'check the file with `ansible-inventory -i FILE --list`');
  }
  const inventory = list as AnsibleList;
  const hostvars = inventory._meta?.hostvars ?? {};
  const groups = groupsOf(inventory);
  const plan: ImportPlan = { nodes: {}, profiles: [], skipped: [] };
  for (const host of new Set([...groups.keys(), ...Object.keys(hostvars)])) {
    if (!isNodeName(host)) { plan.skipped.push(`host ${JSON.stringify(host)}: not a valid node name`); continue; }
    const { mac, macs, ip, ansible_host: ansibleHost, ...others } = hostvars[host] ?? {};
    const vars: Record<string, string> = {};
    for (const [key, value] of Object.entries(others)) {
      if (key.startsWith('ansible_')) continue;
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      if (!VAR_NAME.test(key) || text.length > 4096 || /[\r\n\0]/.test(text)) { plan.skipped.push(`${host}: variable ${key} (name or value not storable)`); continue; }
      vars[key] = text;
    }
    const profiles = groups.get(host) ?? [];
    plan.nodes[host] = checkAttributes({ mac: mac ?? macs, ip: ip ?? ansibleHost, profiles, vars }, `host ${host} of ${source}`, true);
  }
  plan.profiles = [...new Set(Object.values(plan.nodes).flatMap((node) => node.profiles ?? []))];
  return plan;
}

/**
 * Runs `ansible-inventory -i FILE --list` (no shell) and maps its output.
 * @throws UnavailableError E_COMMAND_NOT_FOUND without ansible-core; CommandError if it fails; E_IMPORT_ANSIBLE.
 */
export async function readAnsibleInventory(file: string): Promise<ImportPlan> {
  const result = await run(['ansible-inventory', '-i', file, '--list'], { timeoutMs: 300_000, env: { ANSIBLE_NOCOLOR: '1' } });
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    throw new UsageError('E_IMPORT_ANSIBLE', `${file}: ansible-inventory did not print JSON`, 'check the file with `ansible-inventory -i FILE --list`');
  }
  return planAnsibleImport(parsed, file);
}

/** Applies a plan in one inventory change (all or nothing): new nodes added, known ones updated, missing profiles created. */
export async function applyImport(inventory: NodeInventory, plan: ImportPlan): Promise<ImportResult> {
  return inventory.update((document) => {
    const profilesCreated = plan.profiles.filter((name) => !Object.hasOwn(document.profiles, name));
    for (const name of profilesCreated) document.profiles[name] = {};
    let added = 0;
    for (const [name, entry] of Object.entries(plan.nodes)) {
      const current = Object.hasOwn(document.nodes, name) ? document.nodes[name] : undefined;
      if (!current) added += 1;
      document.nodes[name] = { ...current, ...entry, vars: { ...(current?.vars ?? {}), ...(entry.vars ?? {}) } };
      if (Object.keys(document.nodes[name]?.vars ?? {}).length === 0) delete document.nodes[name]?.vars;
    }
    const names = Object.keys(plan.nodes);
    return { nodes: names.length ? foldNodes(names) : '', nodeCount: names.length, added, updated: names.length - added, profilesCreated, skipped: plan.skipped };
  });
}
