/**
 * Versions the start-of-command repair must never delete (see
 * version-repair.ts): the current one (image_data.yml's `version`) and the
 * ones nodes or profiles are pinned to. Nodes boot their files; deleting
 * them as "unfinished" would leave nodes that cannot boot. When such a
 * version's record or files are gone, the files left are kept and every
 * command warns with one line naming the image and the fix.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { foldNodes } from '../../nodeset/index.js';
import type { ImageData } from './image-data.js';
import { isVersionId } from '../names.js';
import { rootDamage } from './version-operations.js';
import { fileSha256, readVersion, versionAttributes, versionBootFile, versionRecordFile, versionRootFile, writeVersionRecord } from './versions.js';

/**
 * Writes again the record of the current version `id` from image_data.yml,
 * when that is honest: its root file is there and holds the bytes the data
 * names (`root_sha256`). The date is the root file's time, the tree size unknown.
 * @returns whether the record was written.
 */
export async function recreateCurrentRecord(imageDir: string, id: string, data: ImageData): Promise<boolean> {
  const rootFile = join(imageDir, versionRootFile(id));
  const root = await stat(rootFile).catch(() => undefined);
  const bootThere = await stat(join(imageDir, versionBootFile(id))).then(() => true, () => false);
  if (!root || !bootThere || typeof data.root_sha256 !== 'string' || await fileSha256(rootFile) !== data.root_sha256) return false;
  await writeVersionRecord(imageDir, {
    id, date: root.mtime.toISOString(), rootSha256: data.root_sha256, kernel: data.kernel ?? null, initramfs: data.image ?? null,
    sourceDigest: typeof data.source_digest === 'string' ? data.source_digest : null, rootBytes: root.size, treeBytes: null,
    command: 'record re-made by the repair from image_data.yml', attributes: versionAttributes(data),
  });
  return true;
}

/** The warning about a current version whose record is gone and could not be made again (its files are kept). */
export function recordlessWarning(name: string, id: string): string {
  return `warning: image ${name}: ${versionRecordFile(id)} of its current version ${id} is missing or unreadable and cannot be made again `
    + `from image_data.yml; its files are kept: run \`disklessset image rebuild ${name}\``;
}

/** The commands that move the holders (folded nodes, profiles) off the version, back to the image's current one. */
function unpinCommands(name: string, holders: readonly string[]): string {
  const nodes = holders.filter((holder) => !holder.startsWith('profile '));
  const profiles = holders.filter((holder) => holder.startsWith('profile ')).map((holder) => holder.slice('profile '.length));
  return [nodes.length ? `\`disklessset node set ${foldNodes(nodes)} --image ${name}\`` : '',
    ...profiles.map((profile) => `\`disklessset profile set ${profile} --image ${name}\``)].filter(Boolean).join(' and ');
}

/** The warning about a pinned version that lost its record or files (what is left is kept). */
export function pinnedWarning(name: string, id: string, holders: readonly string[], gone: readonly string[]): string {
  const nodes = holders.filter((holder) => !holder.startsWith('profile '));
  const who = [nodes.length ? foldNodes(nodes) : '', ...holders.filter((holder) => holder.startsWith('profile '))].filter(Boolean).join(', ');
  return `warning: image ${name}: ${gone.join(' and ')} of version ${id}, pinned by ${who}, ${gone.length > 1 ? 'are' : 'is'} gone `
    + `(deleted by hand?): ${gone.some((file) => file !== versionRecordFile(id)) ? 'they cannot boot it' : 'what is left of it is kept'}; `
    + `run ${unpinCommands(name, holders)} (or rebuild that version)`;
}

/**
 * The warning about a pinned version (`current`: also the one booted by
 * default) whose root image is damaged (`problem`, from rootDamage: a size
 * check), said by every command until fixed. `holders`: the nodes and profiles pinning it.
 */
function damagedWarning(name: string, id: string, current: boolean, holders: readonly string[], problem: string): string {
  const nodes = holders.filter((holder) => !holder.startsWith('profile '));
  const who = [nodes.length ? foldNodes(nodes) : '', ...holders.filter((holder) => holder.startsWith('profile '))].filter(Boolean).join(', ');
  const role = [current ? 'its current version' : 'version', id, who ? `pinned by ${who}` : ''].filter(Boolean).join(' ');
  const fix = current ? `\`disklessset image rebuild ${name}\` or \`disklessset image rollback ${name} --to VERSION\``
    : `${unpinCommands(name, holders)} (or rebuild that version)`;
  return `warning: image ${name}: ${role} is damaged (${problem}): nodes cannot boot it; run ${fix}`;
}

/**
 * Pinned versions (with record and root file) whose root image is not the
 * size its record names: a stat each, never a hash. Every command runs this,
 * so only pinned versions are looked at (few, and each costs a record read):
 * checking every image's current version would read one record per image at
 * every command, which doubled `image list` over 1,000 images. A damaged
 * current version is refused where it is used (rollback, pins, diff).
 */
export async function damagedVersions(name: string, imageDir: string, present: ReadonlySet<string>, current: string | undefined,
  pins: ReadonlyMap<string, string[]> | undefined): Promise<string[]> {
  const ids = [...pins?.keys() ?? []]
    .filter((id) => isVersionId(id) && present.has(versionRecordFile(id)) && present.has(versionRootFile(id)));
  const warnings: string[] = [];
  for (const id of ids) {
    const record = await readVersion(imageDir, id);
    const problem = record === undefined ? undefined : await rootDamage(imageDir, record);
    if (problem !== undefined) warnings.push(damagedWarning(name, id, id === current, pins?.get(id) ?? [], problem));
  }
  return warnings;
}
