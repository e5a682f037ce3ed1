/**
 * Every on-disk location the tool uses, in one place. Defaults are the seed's;
 * a root prefix relocates all of them, and the config file may override any
 * single one (an override is itself taken relative to the root prefix).
 *
 * Two views exist of some locations: the physical path on this host (under the
 * root prefix) and the logical path that nodes see in URLs and NFS mounts
 * (without the prefix). Boot files always use the logical view.
 */
import { join, resolve } from 'node:path';
import { isNodeName } from '../nodeset/index.js';
import { UsageError } from '../errors/index.js';
import { validateImageName, validateOverlayName } from './names.js';

/** Names of the locations that the config file's `paths:` section may override. */
export const PATH_KEYS = [
  'httpRoot', 'imagesDir', 'kernelsDir', 'bootNodesDir', 'nfsImagesDir', 'stateDir',
  'workDir', 'configDir', 'modulesDir', 'exportsFile', 'ganeshaExportsFile', 'demoDir',
] as const;
export type PathKey = (typeof PATH_KEYS)[number];

/** The seed's default locations (logical, i.e. without any root prefix). */
export const DEFAULT_PATHS: Readonly<Record<PathKey, string>> = {
  httpRoot: '/var/www/html',
  imagesDir: '/var/www/html/preboot_execution_environment/diskless/images',
  kernelsDir: '/var/www/html/preboot_execution_environment/diskless/kernels',
  bootNodesDir: '/var/www/html/preboot_execution_environment/diskless/nodes',
  nfsImagesDir: '/diskless/images/nfsimages',
  stateDir: '/var/lib/diskless',
  workDir: '/var/tmp/diskless/workdir',
  configDir: '/etc/diskless',
  modulesDir: '/etc/diskless/modules',
  exportsFile: '/etc/exports.d/diskless.exports',
  ganeshaExportsFile: '/etc/ganesha/diskless.conf',
  demoDir: '/diskless',
};

/**
 * Resolved locations of one installation of the tool: the only source of
 * paths. Each location has a logical path (as nodes and the original tool
 * name it, from the defaults or the config) and a physical one (under the
 * root prefix, `--root`/DISKLESS_ROOT). Methods taking a name build a path
 * only from a name that passes the name gate.
 */
export class Paths {
  /** Root prefix ('/' on a production host). */
  readonly root: string;
  private readonly logicalPaths: Record<PathKey, string>;

  /**
   * @param root the root prefix (resolved to an absolute path).
   * @param overrides logical paths from the config, already checked by `config-paths.ts`.
   */
  constructor(root = '/', overrides: Partial<Record<PathKey, string>> = {}) {
    this.root = resolve(root);
    this.logicalPaths = { ...DEFAULT_PATHS, ...overrides };
  }

  /** Config file location; fixed relative to the root so it can be found before it is read. */
  static configFile(root: string): string {
    return join(resolve(root), DEFAULT_PATHS.configDir, 'diskless.yml');
  }

  /** Physical paths worked out so far: a Paths never changes, and a 10,000-node listing asks for the same folder per node. */
  private readonly physicalPaths = new Map<PathKey, string>();

  /** Physical path of a location on this host. */
  physical(key: PathKey): string {
    let path = this.physicalPaths.get(key);
    if (path === undefined) this.physicalPaths.set(key, path = this.relocate(this.logicalPaths[key]));
    return path;
  }

  /** Logical path of a location, as nodes and the original tool name it. */
  logical(key: PathKey): string {
    return this.logicalPaths[key];
  }

  /** Maps a logical absolute path to its physical place under the root prefix. */
  relocate(logicalPath: string): string {
    return this.root === '/' ? logicalPath : join(this.root, logicalPath);
  }

  get httpRoot(): string { return this.physical('httpRoot'); }
  get imagesDir(): string { return this.physical('imagesDir'); }
  get kernelsDir(): string { return this.physical('kernelsDir'); }
  get bootNodesDir(): string { return this.physical('bootNodesDir'); }
  get nfsImagesDir(): string { return this.physical('nfsImagesDir'); }
  get stagingDir(): string { return join(this.nfsImagesDir, 'staging'); }
  get goldenDir(): string { return join(this.nfsImagesDir, 'golden'); }
  get stateDir(): string { return this.physical('stateDir'); }
  get installationsFile(): string { return join(this.stateDir, 'installations.yml'); }
  /** The node inventory (nodes and profiles), see core/nodes. */
  get inventoryFile(): string { return join(this.stateDir, 'nodes.yml'); }
  /** What each node fetched at its last boot, recorded by `serve` (see boot/node-status). */
  get nodeBootsFile(): string { return join(this.stateDir, 'node-boots.json'); }
  /** Folder of the per-image locks. */
  get locksDir(): string { return join(this.stateDir, 'locks'); }
  get workDir(): string { return this.physical('workDir'); }
  get configDir(): string { return this.physical('configDir'); }
  get modulesDir(): string { return this.physical('modulesDir'); }
  /** Site overlays, one folder per overlay (see core/overlays). */
  get overlaysDir(): string { return join(this.configDir, 'overlays'); }
  /** Generated per-node secrets of overlays (SSH host keys), mode 0700. */
  get overlayKeysDir(): string { return join(this.stateDir, 'overlay-keys'); }
  get exportsFile(): string { return this.physical('exportsFile'); }
  get ganeshaExportsFile(): string { return this.physical('ganeshaExportsFile'); }
  get demoDir(): string { return this.physical('demoDir'); }

  // Every method below that takes a name checks it again, although each entry
  // point already did: a name that slipped past a caller must never become a path.

  /** Folder of one image in the HTTP tree (image_data.yml, boot.ipxe, squashfs.img). @throws UsageError E_IMAGE_NAME for an invalid name. */
  imageDir(name: string): string { return join(this.imagesDir, validateImageName(name)); }
  /** Scratch folder of one image. @throws UsageError E_IMAGE_NAME for an invalid name. */
  imageWorkDir(name: string): string { return join(this.workDir, validateImageName(name)); }
  /** Lock file of one image (the lock itself is the folder `<this>.lock`). @throws UsageError E_IMAGE_NAME for an invalid name. */
  imageLock(name: string): string { return join(this.locksDir, validateImageName(name)); }
  /** Tree of an NFS staging image. @throws UsageError E_IMAGE_NAME for an invalid name. */
  stagingTree(name: string): string { return join(this.stagingDir, validateImageName(name)); }
  /** Folder owning everything of an NFS golden image. @throws UsageError E_IMAGE_NAME for an invalid name. */
  goldenRoot(name: string): string { return join(this.goldenDir, validateImageName(name)); }

  /** Folder of one site overlay. @throws UsageError E_OVERLAY_NAME for an invalid name. */
  overlayDir(name: string): string { return join(this.overlaysDir, validateOverlayName(name)); }
  /** Folder of one node's SSH host keys. @throws UsageError E_NODE_NAME for an invalid node name. */
  nodeHostKeysDir(node: string): string {
    if (!isNodeName(node)) throw new UsageError('E_NODE_NAME', `invalid node name ${JSON.stringify(String(node).slice(0, 80))}`, 'see `disklessset node list`');
    return join(this.overlayKeysDir, node);
  }

  /**
   * URL path (from the HTTP document root) of a location inside the HTTP tree,
   * e.g. `/preboot_execution_environment/diskless/images`.
   */
  urlPath(key: 'imagesDir' | 'kernelsDir' | 'bootNodesDir'): string {
    const base = this.logicalPaths.httpRoot.replace(/\/+$/, '');
    const full = this.logicalPaths[key];
    return full.startsWith(`${base}/`) ? full.slice(base.length) : full;
  }

  /** Folders that builds may create things in; cleaning refuses to delete anything else. */
  get managedRoots(): string[] {
    return [this.imagesDir, this.kernelsDir, this.nfsImagesDir, this.workDir, this.demoDir, this.bootNodesDir];
  }

  /** Folders created on first use. */
  get requiredDirs(): string[] {
    return [this.imagesDir, this.kernelsDir, this.stagingDir, this.goldenDir, this.stateDir, this.workDir];
  }
}
