/** `disklessset node status [NODESET]`: what each node booted against what is published now (thin over boot/node-status). */
import { nodeStatus, type NodeStatus, type NodeStatusReport } from '../../../boot/node-status/index.js';
import type { CommandSpec } from '../../command.js';
import { escapeControls } from '../../../errors/index.js';

/** The version a user compares first: the root image's, else the boot file's. */
function mainFile(status: NodeStatus): NodeStatus['files'][number] | undefined {
  return status.files.find((file) => file.stage === 'rootImage') ?? status.files.find((file) => file.stage === 'bootFile');
}

function row(status: NodeStatus): string[] {
  const main = mainFile(status);
  return [
    status.name, status.image ?? '-', status.bootedImage ?? '-', main?.bootedVersion ?? '-', main?.publishedVersion ?? '-',
    status.mismatches.length > 0 ? `${status.state}, mismatch` : status.state, status.lastSeen ?? '-', status.address ?? '-',
  ];
}

function text(report: NodeStatusReport): string {
  if (report.nodeCount === 0) return 'No nodes.';
  const header = ['NAME', 'IMAGE', 'BOOTED', 'VERSION BOOTED', 'VERSION NOW', 'STATE', 'LAST SEEN', 'ADDRESS'];
  const rows = [header, ...report.statuses.map(row)];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
  for (const status of report.statuses) {
    for (const reason of status.staleReasons) lines.push(`${status.name}: stale: ${reason}`);
    for (const mismatch of status.mismatches) lines.push(`${status.name}: mismatch: ${mismatch}`);
  }
  const { count, recent } = report.unknownRequests ?? { count: 0, recent: [] };
  if (count > 0) {
    const last = recent.at(-1);
    const registered = last?.registeredAddress === undefined ? '' : `, not its registered address ${last.registeredAddress}`;
    lines.push(`${count} request(s) named no inventory node, or came from an address its node is not registered at${last ? ` (latest: ${last.name || '-'} ${last.mac ?? '-'} from ${last.address}${registered} for ${last.path})` : ''}`);
  }
  // What nodes sent (names, paths) must not drive the terminal, even from a hand-edited state file.
  return lines.map(escapeControls).join('\n');
}

export const nodeStatusCommand: CommandSpec = {
  path: ['node', 'status'],
  summary: 'what each node booted (recorded by serve), and whether a reboot would change it',
  example: "node status 'c[001-100]' --json",
  args: [{ name: 'NODESET', completes: 'nodes' }],
  async run({ services, json }, { args }) {
    const warnings: string[] = [];
    const report = await nodeStatus(services, args.NODESET === undefined ? undefined : String(args.NODESET), { onWarning: (line) => warnings.push(line) });
    if (report.missingOverlayNodes !== '') {
      warnings.push(`the overlay archives of ${report.missingOverlayNodes} are missing on disk (or not whole files), and their node scripts load them: they stop at boot; run \`disklessset overlay build\``);
    }
    if (report.sharedAddressNodes !== '') {
      warnings.push(`${report.sharedAddressNodes} share a registered address with another node, so serve gives their secret overlay archives to no address: they stop at boot; give each node its own address in nodes.yml`);
    }
    for (const { problem, nodes } of report.overlayProblems) {
      warnings.push(escapeControls(`the overlays of ${nodes} could not be rendered (they keep their last published archive, or none): ${problem}; fix it, then run \`disklessset overlay build\``));
    }
    // With --json the table is never printed: not built either.
    return { data: report, text: json ? undefined : text(report), warnings };
  },
};
