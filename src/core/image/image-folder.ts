/**
 * Reading the data of an image from its folder. The folder is named by a
 * validated name; the `name:` recorded inside the file is only text a user (or
 * a corruption) may have changed, so it never decides a path: the folder name
 * replaces it.
 */
import { join } from 'node:path';
import type { Paths } from '../paths.js';
import { IMAGE_DATA_FILE } from './image.js';
import { loadImageData, type ImageData } from './image-data.js';

/**
 * Loads `image_data.yml` of the image folder `name` (validated by the paths
 * module), with `data.name` set to `name` whatever the file says.
 * @throws UsageError E_IMAGE_NAME for an invalid name; OperationError E_IMAGE_DATA_INVALID
 * for an unreadable file; the file system's error (e.g. ENOENT) otherwise.
 */
export async function loadImageFolder(paths: Paths, name: string): Promise<ImageData> {
  const data = await loadImageData(join(paths.imageDir(name), IMAGE_DATA_FILE));
  data.name = name;
  return data;
}
