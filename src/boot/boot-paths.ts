/** Where the boot layer's files live in the HTTP tree. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BOOT_FILE } from '../core/image/image.js';
import type { Paths } from '../core/paths.js';

/** Physical path of the entry script, `diskless/boot.ipxe`, beside the images folder. */
export function entryScriptPath(paths: Paths): string {
  return join(paths.physical('imagesDir'), '..', 'boot.ipxe');
}

/** Physical path of a node's script, `diskless/nodes/<node>.ipxe` (`node` already validated). */
export function nodeScriptPath(paths: Paths, node: string): string {
  return join(paths.bootNodesDir, `${node}.ipxe`);
}

/** Whether a CREATED image has a boot file that nodes can chain to. */
export function hasBootFile(paths: Paths, image: string): boolean {
  return existsSync(join(paths.imageDir(image), BOOT_FILE));
}

/**
 * Folder holding the generations of node scripts, beside the served node
 * scripts path: `diskless/nodes.gen/`. Inside the HTTP root and not a
 * dotfile, so the `nodes` symbolic link into it is served (see generations.ts).
 */
export function generationsDir(paths: Paths): string {
  return `${paths.bootNodesDir}.gen`;
}

/** Folder of one generation, `diskless/nodes.gen/<id>` (`id` a non-negative integer). */
export function generationDir(paths: Paths, id: number): string {
  return join(generationsDir(paths), String(id));
}

/** The generation pointer, `<stateDir>/boot-generation.json`: which generation is published, from which nodes.yml. */
export function generationPointerFile(paths: Paths): string {
  return join(paths.stateDir, 'boot-generation.json');
}

/**
 * Folder of the nodes' overlay archives, `diskless/overlays/`, beside the node
 * scripts. Never listed by `serve` (see boot/overlays/access.ts).
 */
export function overlaysDir(paths: Paths): string {
  return join(paths.bootNodesDir, '..', 'overlays');
}

/**
 * Folder holding the generations of overlay archives, `diskless/overlays.gen/`
 * (mode 0700); the served `overlays` path is a symbolic link into it (see
 * boot/overlays/archive-files.ts).
 */
export function overlayGenerationsDir(paths: Paths): string {
  return `${overlaysDir(paths)}.gen`;
}

/** Folder of one generation of overlay archives, `diskless/overlays.gen/<id>` (`id` a non-negative integer). */
export function overlayGenerationDir(paths: Paths, id: number): string {
  return join(overlayGenerationsDir(paths), String(id));
}

/** Physical path of a node's overlay archive, `diskless/overlays/<node>.img` (`node` already validated). */
export function overlayArchivePath(paths: Paths, node: string): string {
  return join(overlaysDir(paths), `${node}.img`);
}

/** What was published of the overlays, `<stateDir>/overlays.json` (see boot/overlays/overlay-state.ts). */
export function overlayManifestFile(paths: Paths): string {
  return join(paths.stateDir, 'overlays.json');
}

/** The intent of an overlay build in progress, `<stateDir>/overlays.pending.json`: present only while archives are being replaced. */
export function overlayIntentFile(paths: Paths): string {
  return join(paths.stateDir, 'overlays.pending.json');
}
