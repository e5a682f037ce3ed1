/**
 * What every command does first, so that a command killed at any moment is
 * repaired by the next one, whatever it is: temporary files and locks of dead
 * writers are swept from the tool's folders, and node scripts left behind by
 * that disagree with nodes.yml (a killed change, a hand edit) are published again from it.
 * The commands a killed build started are stopped too; its files are
 * cleaned by the next command that changes images (ImageManager.cleanCorrupted).
 */
import { existsSync, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Paths } from '../core/paths.js';
import { countNodes } from '../nodeset/index.js';
import { sweepLeftovers } from '../core/state/leftovers.js';
import { creatorAlive, InstallationsRegistry } from '../core/state/installations.js';
import { stopBuildChildren } from '../core/state/build-children.js';
import { isDiskFull } from '../core/state/disk-full.js';
import { repairVersions } from '../core/image/version-repair.js';
import { AssignmentStore } from './assignment-store.js';
import { generationsDir, overlayGenerationsDir, overlayIntentFile, overlaysDir } from './boot-paths.js';

const realFolder = (path: string): boolean => lstatSync(path, { throwIfNoEntry: false })?.isDirectory() === true;

/**
 * The folder of the served archives when it is the tool's own: a real folder
 * of an earlier version, or a real generation reached through the `overlays`
 * link. A link put anywhere else by hand is not followed (archive-files.ts).
 */
function servedArchiveFolder(paths: Paths): string | undefined {
  const served = overlaysDir(paths);
  if (realFolder(served)) return served;
  const target = join(dirname(served), readlinkSync(served, { encoding: 'utf8' }));
  const generations = overlayGenerationsDir(paths);
  return dirname(target) === generations && realFolder(generations) && realFolder(target) ? target : undefined;
}

/** The folders the tool writes state, scripts and image files into (not recursive). */
function writtenFolders(paths: Paths): string[] {
  const folders = [paths.stateDir, join(paths.stateDir, 'locks'), dirname(paths.bootNodesDir), generationsDir(paths), paths.imagesDir, dirname(paths.imagesDir),
    paths.kernelsDir, paths.configDir, paths.workDir, dirname(paths.exportsFile), dirname(paths.ganeshaExportsFile)];
  if (realFolder(overlayGenerationsDir(paths))) folders.push(overlayGenerationsDir(paths));
  // The served archives (one per node: 10,000 names to list, a few hundredths of a second) can hold temporary ones only
  // while an overlay build's intent is recorded: the build writes it before its first archive (overlay-build.ts).
  if (existsSync(overlayIntentFile(paths))) {
    try {
      const folder = servedArchiveFolder(paths);
      if (folder !== undefined) folders.push(folder);
    } catch { /* nothing served yet */ }
  }
  try {
    for (const entry of readdirSync(paths.imagesDir, { withFileTypes: true })) {
      if (entry.isDirectory()) folders.push(join(paths.imagesDir, entry.name));
    }
  } catch { /* no images folder yet */ }
  return [...new Set(folders)];
}

/** One line about a repair; `lackOfSpace` when it could not run because a file system is full. */
export interface RepairNotice {
  text: string;
  lackOfSpace?: boolean;
  /** Told only if the command succeeds: a failing one reports the same problem itself. */
  onlyIfSucceeded?: boolean;
}

function lackOfSpace(error: unknown): boolean {
  return isDiskFull(error) || (error as { code?: string }).code === 'E_NO_SPACE';
}

/**
 * Repairs what killed commands left. Returns one notice per repair, for the
 * caller to show (the CLI prints them on stderr). Never throws: a repair that
 * cannot run now is retried by the next command, and reported.
 */
export async function repairAfterKill(paths: Paths): Promise<RepairNotice[]> {
  const notices: RepairNotice[] = [];
  try {
    const swept = await sweepLeftovers(writtenFolders(paths));
    if (swept.length > 0) notices.push({ text: `removed ${swept.length} leftover(s) of killed commands: ${swept.slice(0, 3).join(', ')}${swept.length > 3 ? ', ...' : ''}` });
  } catch (error) {
    notices.push({ text: `could not sweep leftovers of killed commands: ${(error as Error).message}`, lackOfSpace: lackOfSpace(error) });
  }
  try {
    const entries = await new InstallationsRegistry(paths.installationsFile).read();
    for (const [name, entry] of Object.entries(entries)) {
      if (!entry.children?.length || creatorAlive(entry)) continue;
      const stopped = await stopBuildChildren(entry.children, entry.boot_id);
      if (stopped.length > 0) notices.push({ text: `stopped ${stopped.length} command(s) left running by killed build ${name}` });
    }
  } catch (error) {
    // A damaged registry is reported by the commands that read it.
    if ((error as { code?: string }).code !== 'E_STATE_FILE_INVALID') notices.push({ text: `could not stop the commands of killed builds: ${(error as Error).message}` });
  }
  try {
    // After the sweep: the temporary root file of a killed publication is gone, its other files are removed here.
    for (const text of await repairVersions(paths)) notices.push({ text });
  } catch (error) {
    notices.push({ text: `could not repair image versions: ${(error as Error).message.split('\n')[0]}`, lackOfSpace: lackOfSpace(error) });
  }
  try {
    const { moved, repaired, warnings } = await new AssignmentStore(paths).repair();
    if (moved > 0) notices.push({ text: `moved the boot assignments of ${countNodes(moved)} into the node inventory (nodes.yml)` });
    if (repaired > 0) notices.push({ text: `re-derived the boot scripts from nodes.yml (${repaired} file(s)): a command was killed or the file was edited by hand` });
    for (const warning of warnings) notices.push({ text: `warning: ${warning}` });
  } catch (error) {
    if ((error as { code?: string }).code === 'E_INVENTORY_INVALID') {
      // Commands that read the inventory fail with this same line; the others warn and go on.
      notices.push({ text: `warning: node scripts stay as last published: ${(error as Error).message.split('\n')[0]}`, onlyIfSucceeded: true });
    } else {
      notices.push({ text: `could not repair the boot scripts: ${(error as Error).message.split('\n')[0]}`, lackOfSpace: lackOfSpace(error) });
    }
  }
  return notices;
}
