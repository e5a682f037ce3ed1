/**
 * Which boot stage a requested URL path is: the node's script, an image's
 * boot file, a kernel, an initramfs, the node's overlay archive, or an
 * image's root image (any other file of the image folder, e.g. `squashfs.img`). Also the one place that
 * maps a recorded stage back to a file: recorded paths come from the network
 * and from a state file, so a file path is only ever built from the Paths
 * module plus names checked here.
 */
import { join } from 'node:path';
import { BOOT_FILE } from '../../core/image/image.js';
import { isImageName, isKernelVersion } from '../../core/names.js';
import type { Paths } from '../../core/paths.js';
import { isNodeName } from '../../nodeset/index.js';
import { isHiddenPath } from '../../serve/served-names.js';
import { nodeScriptPath, overlayArchivePath } from '../boot-paths.js';
import type { BootUrls } from '../ipxe/urls.js';

/** Boot stages, in the order a node fetches them. */
export const STAGES = ['nodeScript', 'bootFile', 'kernel', 'initramfs', 'overlay', 'rootImage'] as const;
export type Stage = (typeof STAGES)[number];

/** A URL path understood as a boot stage. */
export interface StageFile {
  stage: Stage;
  /** Node script and overlay: the node it is named after; image files: the image. */
  owner: string;
  /** File name in its folder. */
  file: string;
}

/** A file name the tool could have written in one of its folders (one segment, no hidden or temporary name). */
const FILE_NAME = /^[A-Za-z0-9_+-][A-Za-z0-9_.+-]{0,127}$/;

function isFileName(name: string): boolean {
  return FILE_NAME.test(name) && !isHiddenPath(name);
}

function kernelStage(file: string): Stage | undefined {
  if (!isFileName(file)) return undefined;
  if (file.startsWith('vmlinuz-') && isKernelVersion(file.slice('vmlinuz-'.length))) return 'kernel';
  if (file.startsWith('initramfs-kernel-') && isKernelVersion(file.slice('initramfs-kernel-'.length))) return 'initramfs';
  return undefined;
}

function decoded(path: string): string | undefined {
  if (!path.includes('%')) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

/**
 * The stage of URL path `rawPath` (as asked, percent-encoded), or undefined
 * for any other file (the entry script, a file outside the boot folders).
 * Cheap: a few string comparisons, called once per served request.
 */
export function stageOf(urls: BootUrls, rawPath: string): StageFile | undefined {
  const path = decoded(rawPath);
  if (path === undefined) return undefined;
  const rest = (prefix: string) => (path.startsWith(`${prefix}/`) ? path.slice(prefix.length + 1) : undefined);
  const inNodes = rest(urls.nodesPath);
  if (inNodes !== undefined) {
    const node = inNodes.endsWith('.ipxe') ? inNodes.slice(0, -'.ipxe'.length) : '';
    return isNodeName(node) ? { stage: 'nodeScript', owner: node, file: inNodes } : undefined;
  }
  const inOverlays = rest(urls.overlaysPath);
  if (inOverlays !== undefined) {
    const node = inOverlays.endsWith('.img') ? inOverlays.slice(0, -'.img'.length) : '';
    return isNodeName(node) ? { stage: 'overlay', owner: node, file: inOverlays } : undefined;
  }
  const inKernels = rest(urls.kernelsPath);
  if (inKernels !== undefined) {
    const stage = kernelStage(inKernels);
    return stage ? { stage, owner: '', file: inKernels } : undefined;
  }
  const inImages = rest(urls.imagesPath);
  if (inImages === undefined) return undefined;
  const [image = '', file = '', ...more] = inImages.split('/');
  if (more.length > 0 || !isImageName(image) || !isFileName(file)) return undefined;
  // A version's own boot file (`boot-<id>.ipxe`, what pinned nodes fetch) is a boot file too.
  return { stage: file === BOOT_FILE || /^boot-[0-9a-f]{12}\.ipxe$/.test(file) ? 'bootFile' : 'rootImage', owner: image, file };
}

/**
 * {@link stageOf} remembered per path, for the recorder (called per served
 * request). Only paths of files the server served reach it, and the table is
 * emptied when it holds `max` paths, so it stays bounded.
 */
export class RememberedStages {
  private readonly known = new Map<string, StageFile | undefined>();
  constructor(private readonly urls: BootUrls, private readonly max = 100_000) {}

  /** The stage of URL path `rawPath`, as {@link stageOf} gives it. */
  of(rawPath: string): StageFile | undefined {
    if (this.known.has(rawPath)) return this.known.get(rawPath);
    if (this.known.size >= this.max) this.known.clear();
    const stage = stageOf(this.urls, rawPath);
    this.known.set(rawPath, stage);
    return stage;
  }
}

/**
 * Physical path of a stage file, rebuilt from the Paths module and the
 * checked names (never from a recorded path), or undefined when the names do
 * not pass the checks again (a hand-edited state file).
 */
export function stagePath(paths: Paths, file: StageFile): string | undefined {
  switch (file.stage) {
    case 'nodeScript':
      return isNodeName(file.owner) && file.file === `${file.owner}.ipxe` ? nodeScriptPath(paths, file.owner) : undefined;
    case 'overlay':
      return isNodeName(file.owner) && file.file === `${file.owner}.img` ? overlayArchivePath(paths, file.owner) : undefined;
    case 'kernel':
    case 'initramfs':
      return kernelStage(file.file) === file.stage ? join(paths.kernelsDir, file.file) : undefined;
    default:
      return isImageName(file.owner) && isFileName(file.file) ? join(paths.imageDir(file.owner), file.file) : undefined;
  }
}
