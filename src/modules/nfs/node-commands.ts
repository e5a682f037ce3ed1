/** `disklessset nfs nodes add|remove|list`. */
import { UsageError } from '../../errors/index.js';
import type { ArgumentSpec, CommandSpec } from '../contract.js';
import { requireConfirmation } from '../confirm.js';
import { addGoldenNodes, listGoldenNodes, removeGoldenNodes } from './golden-nodes.js';
import { checkTreeRemoval } from './inventory-sync.js';
import { validateImageName } from '../../core/names.js';
import { countNodes, expandNodeNames } from '../../nodeset/index.js';
import { namedNodeSet, nodeSetAnswer } from '../json-answer.js';

function jobsOption(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) {
    throw new UsageError('E_JOBS', `invalid --jobs "${String(value)}"`, 'give a whole number from 1 to 256');
  }
  return jobs;
}

const imageAndNodes: ArgumentSpec[] = [{ name: 'GOLDEN', required: true, completes: 'image' }, { name: 'NODESET', required: true, completes: 'nodes' }];

export const nodesAdd: CommandSpec = {
  path: ['nodes', 'add'],
  summary: 'give each node of NODESET its own writable copy of a golden image',
  example: "nfs nodes add el9-gold 'c[001-060]'",
  args: imageAndNodes,
  options: [
    { name: 'jobs', type: 'string', description: 'copies run at once (default: by copy mode and cores)', valueName: 'N' },
    { name: 'assign', type: 'boolean', description: 'also make the nodes boot the image (default: only record them in the node inventory)' },
  ],
  async run({ services, io }, { args, options }) {
    const result = await addGoldenNodes(services, String(args.GOLDEN), String(args.NODESET),
      { progress: io.progress, signal: io.signal, jobs: jobsOption(options.jobs), assign: options.assign === true });
    const lines = [result.added.length === 0 ? 'no node to add' : `added ${countNodes(result.added.length)} (${result.mode} copy)`];
    if (result.present.length > 0) lines.push(`already present: ${result.present.length}`);
    lines.push(`nodes of ${String(args.GOLDEN)}: ${result.nodes || '(none)'}`);
    if (result.recorded.length > 0) lines.push(`added to the node inventory: ${result.recorded.length}`);
    if (result.assigned.length > 0) lines.push(`now booting ${String(args.GOLDEN)}: ${result.assigned.length}`);
    const data = {
      image: String(args.GOLDEN), ...nodeSetAnswer(result.nodes), ...namedNodeSet('added', result.added), ...namedNodeSet('present', result.present),
      ...namedNodeSet('recorded', result.recorded), ...namedNodeSet('assigned', result.assigned),
      copyMode: result.mode ?? null, jobs: result.jobs ?? null,
    };
    return { text: lines.join('\n'), data };
  },
};

export const nodesRemove: CommandSpec = {
  path: ['nodes', 'remove'],
  summary: 'delete the trees of the nodes of NODESET (and only those); refused for nodes booting the image unless --force',
  example: 'nfs nodes remove el9-gold c007',
  args: imageAndNodes,
  options: [{ name: 'force', type: 'boolean', description: 'also when nodes boot the image: their image is taken off first' }],
  async run(context, { args, options }) {
    const golden = validateImageName(String(args.GOLDEN));
    const force = options.force === true;
    // Refused before the question: answering yes to a removal that cannot happen helps nobody.
    await checkTreeRemoval(context.services, golden, expandNodeNames(String(args.NODESET)), force);
    await requireConfirmation(context, `delete the NFS trees of ${String(args.NODESET)} in ${golden}`);
    const result = await removeGoldenNodes(context.services, golden, String(args.NODESET), { progress: context.io.progress, force });
    const warnings = result.absent.length > 0 ? [`not nodes of ${golden}: ${result.absent.join(' ')}`] : [];
    const data = {
      image: golden, ...nodeSetAnswer(result.nodes), ...namedNodeSet('removed', result.removed), ...namedNodeSet('absent', result.absent),
      unassigned: result.unassigned, unassignedCount: result.unassignedCount,
    };
    const lines = [`removed ${countNodes(result.removed.length)}`];
    if (result.unassignedCount > 0) lines.push(`unassigned ${result.unassigned} (${countNodes(result.unassignedCount)}): they no longer boot ${golden}`);
    lines.push(`nodes of ${golden}: ${result.nodes || '(none)'}`);
    return { text: lines.join('\n'), data, warnings };
  },
};

export const nodesList: CommandSpec = {
  path: ['nodes', 'list'],
  summary: 'print the folded node set of a golden image (--json: one entry per node)',
  example: 'nfs nodes list el9-gold',
  args: [{ name: 'GOLDEN', required: true, completes: 'image' }],
  async run({ services }, { args }) {
    const listing = await listGoldenNodes(services, String(args.GOLDEN));
    const warnings = listing.missing.length > 0 ? [`trees missing, dropped from the list: ${listing.missing.join(' ')}`] : [];
    const data = {
      image: listing.image, nodes: listing.nodes, nodeCount: listing.count, ...namedNodeSet('missing', listing.missing),
      trees: listing.trees.map((t) => ({ node: t.node, tree: t.tree, nfsPath: t.nfs_path })),
    };
    return { text: listing.nodes, data, warnings };
  },
};
