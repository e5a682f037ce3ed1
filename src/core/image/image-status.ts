/**
 * What `image list` and `image show` say about one image name, from its
 * build entry (if any) and its image_data.yml. See ImageStatus for the four
 * statuses and why DAMAGED is never mistaken for a killed build.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { ConflictError } from '../../errors/index.js';
import type { Paths } from '../paths.js';
import { creatorAlive, type ImageStatus, type InstallationEntry } from '../state/installations.js';
import { IMAGE_DATA_FILE, type AnyImageClass } from './image.js';
import { publicAttributes } from './image-data.js';
import { loadImageFolder } from './image-folder.js';
import { isImageName } from '../names.js';

/** One image as listed. */
export interface ImageSummary {
  name: string;
  status: ImageStatus;
  image_class?: string;
  /** Creator pid, for IN_CREATION and CORRUPTED images. */
  pid?: number;
  /** Why a DAMAGED image cannot be loaded (e.g. its image_data.yml does not parse). */
  reason?: string;
  /** Whether a loaded module provides the image's class. */
  module_installed?: boolean;
  /** Attributes of CREATED images, secrets redacted. */
  attributes?: Record<string, unknown>;
}

/** Names of the image folders (hidden ones skipped; none if the images folder does not exist yet). */
export async function imageFolders(imagesDir: string): Promise<string[]> {
  try {
    return (await readdir(imagesDir, { withFileTypes: true })).filter((d) => d.isDirectory() && isImageName(d.name)).map((d) => d.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return [];
  }
}

/**
 * Summary of image `name` (already validated), given its build entry if it
 * has one; undefined if its folder vanished meanwhile (a removal just ended).
 * An unreadable `image_data.yml` is a DAMAGED summary with its reason, never a throw.
 */
export async function summarizeImage(paths: Paths, classes: ReadonlyMap<string, AnyImageClass>, name: string,
  entry: InstallationEntry | undefined): Promise<ImageSummary | undefined> {
  if (entry) {
    return { name, status: creatorAlive(entry) ? 'IN_CREATION' : 'CORRUPTED', image_class: entry.image_class, pid: entry.pid };
  }
  try {
    const data = await loadImageFolder(paths, name);
    return { name, status: 'CREATED', image_class: data.image_class, module_installed: classes.has(data.image_class),
      attributes: publicAttributes(data) };
  } catch (error) {
    // No build entry: nobody was killed building it. Its data was damaged (by hand, by the
    // disk): it is kept for the administrator to look at, never cleaned automatically.
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string') throw error;
    if (code === 'ENOENT' && !existsSync(paths.imageDir(name))) return undefined;
    const reason = code === 'ENOENT' ? `${IMAGE_DATA_FILE} is missing` : (error as Error).message;
    return { name, status: 'DAMAGED', reason };
  }
}

/** The refusal to remove or clean a DAMAGED image without `force` (E_IMAGE_DAMAGED). */
export function damagedError(summary: ImageSummary): ConflictError {
  return new ConflictError('E_IMAGE_DAMAGED', `image "${summary.name}" is DAMAGED (${summary.reason ?? 'unreadable'}) and is not removed without --force`,
    `restore its files, or remove it with \`disklessset image remove ${summary.name} --force\``);
}
