/**
 * NFS exports of the image trees: an `/etc/exports.d` file for the kernel
 * NFS server and an EXPORT block for nfs-ganesha. The kernel server exports
 * physical folders; ganesha maps a `Pseudo` path (what nodes mount, the
 * logical path of the boot files) onto the physical one, so it also serves
 * a root prefix correctly.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UnavailableError, UsageError } from '../../errors/index.js';
import type { DisklessConfig } from '../../core/config.js';
import type { Paths } from '../../core/paths.js';
import { writeFileAtomic } from '../../core/state/atomic-file.js';
import { run, which } from '../../system/runner.js';

/** Export_Id of the ganesha block; must be unique in the ganesha configuration. */
export const GANESHA_EXPORT_ID = 2049;

/** One exported folder. */
export interface ExportEntry {
  /** Physical folder on this host. */
  path: string;
  clients: string;
  options: string;
}

/** Export paths and options go into configuration files: refuse anything that could break out of a line. */
function checkExportText(value: string, what: string): string {
  if (!/^[^\s"#\\;{}]+$/.test(value)) {
    throw new UsageError('E_EXPORT_SYNTAX', `the NFS export ${what} ${JSON.stringify(value)} contains spaces or special characters`,
      'fix nfs_export_options / nfs_export_clients or the paths in the config file');
  }
  return value;
}

/**
 * The folders exported: the staging root and the golden root.
 * @throws UsageError E_EXPORT_SYNTAX when a path or the configured clients or
 * options hold spaces or characters that could break out of a line.
 */
export function exportEntries(paths: Paths, config: DisklessConfig): ExportEntry[] {
  const clients = checkExportText(config.nfsExportClients, 'clients');
  const options = checkExportText(config.nfsExportOptions, 'options');
  return [paths.stagingDir, paths.goldenDir].map((path) => ({ path: checkExportText(path, 'path'), clients, options }));
}

/** Text of the exports file (exports(5) syntax). */
export function exportsFileText(entries: readonly ExportEntry[]): string {
  return [
    '# NFS roots of disklessset images (written by `disklessset nfs exports`; rewritten, do not edit)',
    ...entries.map((e) => `${e.path} ${e.clients}(${e.options})`),
    '',
  ].join('\n');
}

/**
 * Text of the ganesha EXPORT block: nodes mount the logical path, ganesha serves the physical one.
 * @throws UsageError E_EXPORT_SYNTAX as {@link exportEntries}.
 */
export function ganeshaExportText(paths: Paths, config: DisklessConfig): string {
  const physical = checkExportText(paths.nfsImagesDir, 'path');
  const pseudo = checkExportText(paths.logical('nfsImagesDir'), 'pseudo path');
  const clients = checkExportText(config.nfsExportClients, 'clients');
  const readOnly = config.nfsExportOptions.split(',').includes('ro');
  return [
    '# NFS roots of disklessset images (written by `disklessset nfs exports --ganesha`; rewritten, do not edit)',
    '# Include it from ganesha.conf; its NFSV4 block needs Only_Numeric_Owners and Allow_Numeric_Owners = true.',
    'EXPORT {',
    `  Export_Id = ${GANESHA_EXPORT_ID};`,
    `  Path = "${physical}";`,
    `  Pseudo = "${pseudo}";`,
    '  Protocols = 4;',
    '  Transports = TCP;',
    `  Access_Type = ${readOnly ? 'RO' : 'RW'};`,
    '  Squash = No_Root_Squash;',
    '  SecType = sys;',
    '  FSAL { Name = VFS; }',
    ...(clients === '*' ? [] : ['  CLIENT {', `    Clients = ${clients};`, `    Access_Type = ${readOnly ? 'RO' : 'RW'};`, '  }']),
    '}',
    '',
  ].join('\n');
}

/** Options of {@link writeExports}. */
export interface ExportOptions {
  /** Also write the ganesha block. */
  ganesha?: boolean;
  /** Run `exportfs -ra` afterwards. */
  apply?: boolean;
  /** Write nothing; only say what would be exported. */
  dryRun?: boolean;
  signal?: AbortSignal;
}

/** What {@link writeExports} did. */
export interface ExportReport {
  entries: ExportEntry[];
  files: { path: string; kind: 'exports' | 'ganesha'; content: string; written: boolean; reason?: string }[];
  /** `exportfs -ra` ran. */
  applied: boolean;
  warnings: string[];
}

function writeProblem(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? (error as Error).message : undefined;
}

/**
 * Writes the exports file (and the ganesha block). Without permission to
 * write, or in a dry run, nothing is written and the report carries the text
 * that would have been. With `apply`, runs `exportfs -ra` afterwards.
 * @throws UnavailableError E_TOOL_MISSING when `apply` is asked and exportfs is not installed (checked first: nothing is written).
 * @throws OperationError E_COMMAND_FAILED when exportfs fails.
 */
export async function writeExports(paths: Paths, config: DisklessConfig, options: ExportOptions = {}): Promise<ExportReport> {
  // Asked to apply, a host without exportfs is a failure, said before anything is written.
  if (options.apply && !options.dryRun && !(await which('exportfs'))) {
    throw new UnavailableError('E_TOOL_MISSING', 'exportfs is not installed on this host: the exports cannot be applied (nothing was written)',
      'install nfs-kernel-server (Debian) or nfs-utils (RHEL), or run without --apply to only write the file');
  }
  const entries = exportEntries(paths, config);
  const planned: { path: string; kind: 'exports' | 'ganesha'; content: string }[] = [
    { path: paths.exportsFile, kind: 'exports', content: exportsFileText(entries) },
  ];
  if (options.ganesha) planned.push({ path: paths.ganeshaExportsFile, kind: 'ganesha', content: ganeshaExportText(paths, config) });
  const report: ExportReport = { entries, files: [], applied: false, warnings: [] };
  for (const file of planned) {
    if (options.dryRun) {
      report.files.push({ ...file, written: false, reason: 'dry run' });
      continue;
    }
    try {
      // Exporting a missing folder makes exportfs fail: create the roots first.
      for (const entry of entries) await mkdir(entry.path, { recursive: true });
      await mkdir(dirname(file.path), { recursive: true });
      await writeFileAtomic(file.path, file.content, 0o644);
      report.files.push({ ...file, written: true });
    } catch (error) {
      const reason = writeProblem(error);
      if (!reason) throw error;
      report.files.push({ ...file, written: false, reason });
      report.warnings.push(`cannot write ${file.path} (${reason}); nothing was changed`);
    }
  }
  if (options.apply && !options.dryRun && report.files.some((f) => f.kind === 'exports' && f.written)) {
    await run(['exportfs', '-ra'], { timeoutMs: 120_000, signal: options.signal });
    report.applied = true;
  }
  return report;
}
