/**
 * Reading the data of an image from its folder. The folder is named by a
 * validated name; what the file records is only text a user (or a corruption)
 * may have changed, so none of it decides a path unchecked: the folder name
 * replaces the recorded `name:`, and the kernel and initramfs file names (which
 * become kernel-folder paths and boot URLs) must pass the name gate.
 */
import { join } from 'node:path';
import { OperationError } from '../../errors/index.js';
import { isKernelVersion } from '../names.js';
import type { Paths } from '../paths.js';
import { IMAGE_DATA_FILE } from './image.js';
import { loadImageData, type ImageData } from './image-data.js';

function fileNameProblem(file: string, key: string, value: unknown): OperationError {
  return new OperationError('E_IMAGE_DATA_INVALID', `${file} records an invalid ${key} ${JSON.stringify(String(value)).slice(0, 100)}`,
    'restore the file, or set the kernel again with `disklessset image set-kernel`');
}

/** Whether `value` is absent (undefined or null) or `<prefix><kernel version>`. */
function isFileNameOrUnset(value: unknown, prefix: string): boolean {
  if (value === undefined || value === null) return true;
  return typeof value === 'string' && value.startsWith(prefix) && isKernelVersion(value.slice(prefix.length));
}

/**
 * Loads `image_data.yml` of the image folder `name` (validated by the paths
 * module), with `data.name` set to `name` whatever the file says.
 * @throws UsageError E_IMAGE_NAME for an invalid name; OperationError E_IMAGE_DATA_INVALID
 * for an unreadable file or a kernel/initramfs file name that is not one; the file
 * system's error (e.g. ENOENT) otherwise.
 */
export async function loadImageFolder(paths: Paths, name: string): Promise<ImageData> {
  const file = join(paths.imageDir(name), IMAGE_DATA_FILE);
  const data = await loadImageData(file);
  data.name = name;
  if (!isFileNameOrUnset(data.kernel, 'vmlinuz-')) throw fileNameProblem(file, 'kernel', data.kernel);
  if (!isFileNameOrUnset(data.image, 'initramfs-kernel-')) throw fileNameProblem(file, 'initramfs', data.image);
  return data;
}
