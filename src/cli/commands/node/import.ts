/** `disklessset node import --csv FILE | --ansible-inventory FILE`: nodes from what the cluster already keeps. */
import { readFile, stat } from 'node:fs/promises';
import { UsageError } from '../../../errors/index.js';
import { applyImport, planCsvImport, readAnsibleInventory, type ImportPlan } from '../../../core/nodes/import.js';
import { withNodeRoots } from '../../../boot/index.js';
import type { CommandSpec } from '../../command.js';
import { countNodes } from '../../../nodeset/index.js';
import { CREATE_TREE_OPTION } from './node-options.js';

const MAX_CSV_BYTES = 64 * 1024 * 1024;

export const nodeImport: CommandSpec = {
  path: ['node', 'import'],
  summary: 'add or update nodes from a CSV list or an Ansible inventory (groups become profiles)',
  example: 'node import --ansible-inventory /etc/bluebanquise/inventory',
  options: [
    { name: 'csv', type: 'string', description: 'CSV with a header row: name,mac,ip,profiles,image,kernelArgs; other columns become variables', valueName: 'FILE' },
    { name: 'ansible-inventory', type: 'string', description: 'any Ansible inventory (read with ansible-inventory --list --export)', valueName: 'FILE' },
    { name: 'create-profiles', type: 'boolean', description: 'create the profiles a CSV names that do not exist (Ansible groups always become profiles)' },
    { name: 'skip-invalid', type: 'boolean', description: 'leave out Ansible hosts whose names cannot be node names instead of refusing the import' },
    CREATE_TREE_OPTION,
  ],
  async run({ services, io }, { options }) {
    const csv = options.csv as string | undefined;
    const ansible = options['ansible-inventory'] as string | undefined;
    if ((csv === undefined) === (ansible === undefined)) {
      throw new UsageError('E_IMPORT_SOURCE', 'give exactly one of --csv FILE and --ansible-inventory FILE', 'e.g. disklessset node import --ansible-inventory inventory/');
    }
    let plan: ImportPlan;
    if (csv !== undefined) {
      const info = await stat(csv).catch(() => undefined);
      // A device or a huge file is no node list: refuse before reading it into memory.
      if (!info?.isFile() || info.size > MAX_CSV_BYTES) {
        throw new UsageError('E_IMPORT_SOURCE', `${csv} is not a readable CSV file of at most 64 MiB`, 'give the path of a CSV file');
      }
      const text = await readFile(csv, 'utf8');
      plan = planCsvImport(text, csv);
    } else {
      const source = String(ansible);
      const info = await stat(source).catch(() => undefined);
      // A device or a FIFO would make ansible-inventory read without end (11 GB seen with /dev/zero).
      if (!info || !(info.isDirectory() || (info.isFile() && info.size <= MAX_CSV_BYTES))) {
        throw new UsageError('E_IMPORT_SOURCE', `${source} is not an Ansible inventory file (at most 64 MiB) or folder`, 'give the path of an inventory file or folder');
      }
      plan = await readAnsibleInventory(source, { skipInvalid: options['skip-invalid'] === true, signal: io.signal });
    }
    // An image named in the source must exist, as for `node set --image`: a node script chaining a missing image boots nothing.
    const images = new Set(Object.values(plan.nodes).flatMap((node) => (node.image === undefined ? [] : [node.image])));
    const known = new Set((await services.images.list()).map((image) => image.name));
    const missing = [...images].filter((image) => !known.has(image));
    if (missing.length > 0) {
      throw new UsageError('E_IMPORT_IMAGE', `the import names images that do not exist: ${missing.slice(0, 5).join(', ')}`, 'create them first, or remove them from the file');
    }
    // Overlay names the file gives must exist: refused here, naming the line, rather than by the inventory's rule without it.
    const checked = new Set<string>();
    for (const [node, entry] of Object.entries(plan.nodes)) {
      const key = JSON.stringify(entry.overlays ?? []);
      if (checked.has(key)) continue;
      checked.add(key);
      await services.overlays.requireKnown(entry.overlays ?? [], ` (${plan.where?.[node] ?? `node ${node}`})`);
    }
    const createProfiles = ansible !== undefined || options['create-profiles'] === true;
    // As `node add`: nodes given an NFS golden image lack their trees until --create-tree makes them.
    const result = await withNodeRoots(services, options['create-tree'] === true, () => applyImport(services.inventory, plan, { createProfiles }), io);
    const lines = [`imported ${countNodes(result.nodeCount)}: ${result.added} added, ${result.updated} updated${result.nodes ? ` (${result.nodes})` : ''}`];
    if (result.profilesCreated.length) lines.push(`profiles created: ${result.profilesCreated.join(', ')}`);
    return { data: result, text: lines.join('\n'), warnings: result.skipped.map((line) => `left out: ${line}`) };
  },
};
