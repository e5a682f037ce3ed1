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
import { MAX_VAR_VALUE, checkAttributes, checkNodeIp, checkVarName, isVarName, type NodeEntry } from './attributes.js';
import type { NodeInventory, NodeSetResult } from './inventory.js';

/** Nodes and profiles read from a source, checked. */
export interface ImportPlan {
  nodes: Record<string, NodeEntry>;
  /** Profiles the nodes list (created when missing, if the import may). */
  profiles: string[];
  /** Variables of profiles (Ansible group variables), merged into them. */
  profileVars: Record<string, Record<string, string>>;
  /** Values left out, one line each (a variable name Ansible allows but the inventory does not...). */
  skipped: string[];
  /** Where each node was read (`FILE line N`), for messages about its values (CSV only). */
  where?: Record<string, string>;
}

/** Result of {@link applyImport}. */
export interface ImportResult extends NodeSetResult {
  added: number;
  updated: number;
  profilesCreated: string[];
  skipped: string[];
}

/** The columns that are attributes; any other is a variable. */
const CSV_COLUMNS: readonly string[] = ['name', 'mac', 'ip', 'profiles', 'image', 'kernelArgs', 'overlays'];

function splitList(value: string): string[] {
  return value.split(/[\s;,]+/).filter(Boolean);
}

/**
 * Reads a CSV list with a header row: `name` (required), `mac` (several
 * separated by spaces or `;`), `ip`, `profiles`, `image`, `kernelArgs`,
 * `overlays` (in order, separated like `mac`); any other column becomes a variable.
 * @throws UsageError E_IMPORT_CSV naming the line, or the attribute errors of checkAttributes.
 */
export function planCsvImport(text: string, file: string): ImportPlan {
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  let hasHeader = false;
  const header = (names: string[]): string[] => {
    hasHeader = true;
    const seen = new Set<string>();
    for (const name of names) {
      // Checked on the header: the CSV parser drops a `__proto__` column without a word.
      if (!CSV_COLUMNS.includes(name)) checkVarName(name, `${file} line 1 (column "${name}")`);
      if (seen.has(name)) throw new UsageError('E_IMPORT_CSV', `${file} line 1: column "${name}" appears twice`, 'give each column once');
      seen.add(name);
    }
    if (!seen.has('name')) throw new UsageError('E_IMPORT_CSV', `${file} line 1: no "name" column in the header (${names.join(',')})`, 'the first row names the columns: name,mac,ip,profiles,...');
    return names;
  };
  try {
    // bom: a file saved by a spreadsheet starts with one; CRLF line ends are recognized as well.
    rows = parseCsv(text, { columns: header, skip_empty_lines: true, trim: true, comment: '#', bom: true, info: true }) as typeof rows;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError('E_IMPORT_CSV', `${file}: ${(error as Error).message.split('\n')[0]}`, 'give a CSV file with a header row: name,mac,ip,profiles,...');
  }
  // An empty file (or one of comments) has no header row, which the parser takes as no rows at all.
  if (!hasHeader) throw new UsageError('E_IMPORT_CSV', `${file} line 1: no "name" column (the file has no header row)`, 'the first row names the columns: name,mac,ip,profiles,...');
  const plan: ImportPlan = { nodes: {}, profiles: [], profileVars: {}, skipped: [], where: {} };
  const lineOf = new Map<string, number>();
  rows.forEach(({ record: row, info }) => {
    const where = `${file} line ${info.lines}`;
    const { name, mac, ip, profiles, image, kernelArgs, overlays, ...rest } = row;
    if (!name || !isNodeName(name)) throw new UsageError('E_IMPORT_CSV', `${where}: invalid or missing node name ${JSON.stringify(name ?? '')}`, 'the "name" column holds host names');
    if (lineOf.has(name)) throw new UsageError('E_IMPORT_CSV', `${where}: node ${name} already given on line ${lineOf.get(name)}`, 'give each node on one line');
    lineOf.set(name, info.lines);
    const vars = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== ''));
    const raw = { mac: mac ? splitList(mac) : undefined, ip: ip || undefined, profiles: profiles ? splitList(profiles) : undefined,
      image: image || undefined, kernelArgs: kernelArgs || undefined, overlays: overlays ? splitList(overlays) : undefined, vars: Object.keys(vars).length ? vars : undefined };
    plan.nodes[name] = checkAttributes(raw, where, true);
    (plan.where as Record<string, string>)[name] = where;
  });
  plan.profiles = [...new Set(Object.values(plan.nodes).flatMap((node) => node.profiles ?? []))];
  return plan;
}

interface AnsibleGroup { hosts?: string[]; children?: string[]; vars?: Record<string, unknown> }
interface AnsibleList {
  _meta?: { hostvars?: Record<string, Record<string, unknown>> };
  [group: string]: AnsibleGroup | AnsibleList['_meta'];
}

/** Variables storable in the inventory (Ansible's own `ansible_*` ones left out); the others are said in `skipped`. */
function storableVars(values: Record<string, unknown>, owner: string, skipped: string[], leaveOut: readonly string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (key.startsWith('ansible_') || leaveOut.includes(key)) continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (!isVarName(key) || text.length > MAX_VAR_VALUE || /[\r\n\0]/.test(text)) { skipped.push(`${owner}: variable ${key} (name or value not storable)`); continue; }
    vars[key] = text;
  }
  return vars;
}

/** `value` as a node IP address (canonical), or undefined when it cannot be one. */
function nodeIpOrUndefined(value: unknown): string | undefined {
  try {
    return checkNodeIp(value, 'ansible_host');
  } catch {
    return undefined;
  }
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
 * Maps `ansible-inventory --list --export` output: groups (but `ungrouped`)
 * become profiles, listed by their hosts shallow first; group variables go
 * to the group's profile (those of `all` to a profile `all`, listed first);
 * host variables `mac` (or `macs`) and `ip` become attributes (`ansible_host`
 * stands in for `ip` only when it is an address a node can have; a DNS name
 * is left out, the hosts listed in one `skipped` line), the other variables `vars` (non-text values as JSON).
 * Ansible's own `ansible_*` variables are left out. A host name that cannot
 * be a node name refuses the whole import, unless `skipInvalid`.
 * @throws UsageError E_IMPORT_ANSIBLE for output that is not an inventory list, E_IMPORT_HOST_NAME.
 */
export function planAnsibleImport(list: unknown, source: string, options: { skipInvalid?: boolean } = {}): ImportPlan {
  if (typeof list !== 'object' || list === null || !('_meta' in list)) {
    throw new UsageError('E_IMPORT_ANSIBLE', `${source}: ansible-inventory gave no host list`, 'check the file with `ansible-inventory -i FILE --list`');
  }
  const inventory = list as AnsibleList;
  const hostvars = inventory._meta?.hostvars ?? {};
  const groups = groupsOf(inventory);
  const plan: ImportPlan = { nodes: {}, profiles: [], profileVars: {}, skipped: [] };
  const hosts = [...new Set([...groups.keys(), ...Object.keys(hostvars)])];
  const invalid = hosts.filter((host) => !isNodeName(host));
  if (invalid.length > 0 && !options.skipInvalid) {
    throw new UsageError('E_IMPORT_HOST_NAME', `${source}: ${invalid.length} host name(s) cannot be node names: ${invalid.slice(0, 5).map((h) => JSON.stringify(h)).join(', ')}${invalid.length > 5 ? ', ...' : ''}`,
      'rename them in the inventory, or pass --skip-invalid to import the others');
  }
  for (const host of invalid) plan.skipped.push(`host ${JSON.stringify(host)}: not a valid node name`);
  for (const [group, entry] of Object.entries(inventory)) {
    if (group === '_meta' || group === 'ungrouped') continue;
    const vars = storableVars((entry as AnsibleGroup).vars ?? {}, `group ${group}`, plan.skipped, ['mac', 'macs', 'ip']);
    if (Object.keys(vars).length > 0) plan.profileVars[group] = vars;
  }
  const first = plan.profileVars.all ? ['all'] : [];
  const hostNamed: string[] = [];
  for (const host of hosts) {
    if (!isNodeName(host)) continue;
    const { mac, macs, ip, ansible_host: ansibleHost, ...others } = hostvars[host] ?? {};
    const vars = storableVars(others, host, plan.skipped, []);
    const profiles = [...first, ...(groups.get(host) ?? [])];
    // ansible_host is how Ansible reaches the host, often a DNS name: only a node's own IP address stands in for `ip`.
    const reachedAt = ip === undefined && ansibleHost !== undefined && ansibleHost !== null ? nodeIpOrUndefined(ansibleHost) : undefined;
    if (ip === undefined && ansibleHost !== undefined && ansibleHost !== null && reachedAt === undefined) hostNamed.push(host);
    plan.nodes[host] = checkAttributes({ mac: mac ?? macs, ip: ip ?? reachedAt, profiles, vars }, `host ${host} of ${source}`, true);
  }
  if (hostNamed.length > 0) {
    plan.skipped.push(`ansible_host of ${hostNamed.length} host(s), not a node IP address (a DNS name?), so no ip taken from it: ${foldNodes(hostNamed)} (give them an \`ip\` host variable)`);
  }
  plan.profiles = [...new Set(Object.values(plan.nodes).flatMap((node) => node.profiles ?? []))];
  return plan;
}

/**
 * Runs `ansible-inventory -i FILE --list` (no shell) and maps its output.
 * @throws UnavailableError E_COMMAND_NOT_FOUND without ansible-core; CommandError if it fails; E_IMPORT_ANSIBLE.
 */
export async function readAnsibleInventory(file: string, options: { skipInvalid?: boolean; signal?: AbortSignal } = {}): Promise<ImportPlan> {
  // --export keeps group variables with their group (they become profile variables) instead of copying them into every host.
  const result = await run(['ansible-inventory', '-i', file, '--list', '--export'], { timeoutMs: 300_000, env: { ANSIBLE_NOCOLOR: '1' }, signal: options.signal });
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    throw new UsageError('E_IMPORT_ANSIBLE', `${file}: ansible-inventory did not print JSON`, 'check the file with `ansible-inventory -i FILE --list`');
  }
  return planAnsibleImport(parsed, file, options);
}

/**
 * Applies a plan in one inventory change (all or nothing): new nodes added,
 * known ones updated, profile variables merged. Missing profiles are created
 * only with `createProfiles`.
 * @throws UsageError E_IMPORT_PROFILES listing the missing profiles; the rules of NodeInventory.update.
 */
export async function applyImport(inventory: NodeInventory, plan: ImportPlan, options: { createProfiles: boolean }): Promise<ImportResult> {
  return inventory.update((document) => {
    const profilesCreated = plan.profiles.filter((name) => !Object.hasOwn(document.profiles, name));
    if (profilesCreated.length > 0 && !options.createProfiles) {
      throw new UsageError('E_IMPORT_PROFILES', `the import names profiles that do not exist: ${profilesCreated.slice(0, 10).join(', ')}${profilesCreated.length > 10 ? ', ...' : ''}`,
        'create them first (`disklessset profile add NAME`), or pass --create-profiles');
    }
    for (const name of profilesCreated) document.profiles[name] = {};
    for (const [name, vars] of Object.entries(plan.profileVars)) {
      const profile = document.profiles[name];
      if (profile) profile.vars = { ...(profile.vars ?? {}), ...vars };
    }
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
