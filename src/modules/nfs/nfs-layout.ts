/**
 * Where NFS images keep their trees, in both views: the physical folder on
 * this host (under the root prefix) and the logical path nodes mount.
 *
 *   staging/<name>/                 the staging OS tree, booted read-write
 *   golden/<name>/image/            the golden copy, never booted
 *   golden/<name>/nodes/<node>/     one writable tree per node
 *   golden/<name>/nodes/.<node>.partial    a node tree being copied
 *   golden/<name>/nodes/.<node>.removing   a node tree being deleted
 */
import { join } from 'node:path';
import { validateImageName } from '../../core/names.js';
import type { Paths } from '../../core/paths.js';

/** Physical folder of a staging image's tree. */
export function stagingTree(paths: Paths, name: string): string {
  return paths.stagingTree(name);
}

/** Physical folder owning everything of a golden image. */
export function goldenRoot(paths: Paths, name: string): string {
  return paths.goldenRoot(name);
}

/** Physical folder of a golden image's reference tree. */
export function goldenImageTree(paths: Paths, name: string): string {
  return join(goldenRoot(paths, name), 'image');
}

/** Physical folder holding the node trees of a golden image. */
export function goldenNodesDir(paths: Paths, name: string): string {
  return join(goldenRoot(paths, name), 'nodes');
}

/**
 * Path nodes mount for a staging image (no root prefix).
 * @throws UsageError E_IMAGE_NAME for an invalid name.
 */
export function logicalStagingTree(paths: Paths, name: string): string {
  return `${paths.logical('nfsImagesDir')}/staging/${validateImageName(name)}`;
}

/**
 * Path nodes mount for a golden image, up to the folder of node trees.
 * @throws UsageError E_IMAGE_NAME for an invalid name.
 */
export function logicalGoldenNodesDir(paths: Paths, name: string): string {
  return `${paths.logical('nfsImagesDir')}/golden/${validateImageName(name)}/nodes`;
}

/** Temporary name of a node tree while it is copied. */
export function partialName(node: string): string {
  return `.${node}.partial`;
}

/** Temporary name of a node tree while it is deleted. */
export function removingName(node: string): string {
  return `.${node}.removing`;
}
