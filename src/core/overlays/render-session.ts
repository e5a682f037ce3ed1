/**
 * One render of one or many nodes: overlays are read and their templates
 * compiled once, the inventory list built once, and each node's entries
 * assembled in its overlay order (a later overlay wins on the same path).
 * A session is short-lived: the next render reads the sources again, so an
 * edit of an overlay is seen at once.
 */
import { imageOfReference } from '../names.js';
import { createHash } from 'node:crypto';
import { UsageError } from '../../errors/index.js';
import type { EffectiveNode } from '../nodes/effective.js';
import type { InventoryDocument } from '../nodes/inventory-file.js';
import type { AccountResolver } from './accounts.js';
import { hostsOf, lazyList, nodeContext, type InventoryHost, type NodeContext, type ServerContext, type TemplateContext } from './context.js';
import { hostnameEntries, hostsText } from './hostname.js';
import { networkEntries } from './network.js';
import { parentsOf } from './overlay-paths.js';
import type { OverlayEntry, RenderedOverlay } from './rendered.js';
import { loadOverlay, requireNodeSize, requireSource, type LoadedOverlay, type OverlaySource, type SourceFile } from './sources.js';
import { hostKeyEntries, type HostKeyStore } from './ssh-host-keys.js';
import { OverlayTemplate } from './templates.js';
import { treeFingerprint } from './tree-fingerprint.js';

/**
 * Part of every inputs digest: the code of the generated overlays (hostname,
 * network) and of the archive layout is not in any overlay's source digest,
 * so a version changing what they give must change this, and every node is
 * rendered once again after the upgrade.
 */
const INPUTS_REVISION = 'inputs-1';

/** What a session needs, read once by its creator. */
export interface SessionInputs {
  sources: ReadonlyMap<string, OverlaySource>;
  accounts: AccountResolver;
  /** The host key store, or a stand-in giving placeholder keys (a check before a change is committed makes no key, and its renders are kept for the publication only without keys: no `fingerprint`). */
  keys: Pick<HostKeyStore, 'keys'> & Partial<Pick<HostKeyStore, 'fingerprint'>>;
  server: ServerContext;
  /** The inventory (for the `inventory` list and /etc/hosts). */
  document: InventoryDocument;
}

/** A rendered node with, per entry, the overlay that gave it (for listings). */
export interface SessionResult extends RenderedOverlay {
  origins: Map<string, string>;
}

function sortedVars(node: NodeContext): unknown {
  return { ...node, vars: Object.fromEntries(Object.entries(node.vars).sort(([a], [b]) => (a < b ? -1 : 1))) };
}

/** Renders nodes against one reading of the overlays and the inventory. */
export class RenderSession {
  private readonly loaded = new Map<string, Promise<LoadedOverlay>>();
  private readonly templates = new Map<SourceFile, OverlayTemplate>();
  private readonly dataDigests = new WeakMap<Buffer, string>();
  private readonly inventory = lazyList(() => this.inventoryHosts());
  private readonly readers = new WeakMap<LoadedOverlay, boolean>();
  /** Node → its inputs digest (null: none can be known), as computed by this session. */
  private readonly digests = new Map<string, string | null>();

  constructor(private readonly inputs: SessionInputs) {}

  /** The overlay named `name`, read once per session; async so that an unknown name rejects (E_OVERLAY_UNKNOWN) for `.catch` to skip its node. */
  async load(name: string, where = ''): Promise<LoadedOverlay> {
    const source = requireSource(this.inputs.sources, name, where);
    let loaded = this.loaded.get(name);
    if (!loaded) {
      loaded = loadOverlay(source, this.inputs.accounts);
      this.loaded.set(name, loaded);
    }
    return loaded;
  }

  /**
   * Everything `effective` receives.
   * @throws UsageError E_OVERLAY_UNKNOWN, E_OVERLAY_TEMPLATE, E_OVERLAY_PATH, E_OVERLAY_META, E_OVERLAY_NETWORK;
   *   CommandError when ssh-keygen fails.
   */
  async render(effective: EffectiveNode): Promise<SessionResult> {
    const node = nodeContext(effective);
    // A node pinned to a version (`NAME@VERSION`) sees both parts; otherwise the version is the current one, unknown here.
    const name = node.image === undefined ? undefined : imageOfReference(node.image);
    const image = node.image === undefined || name === undefined ? undefined
      : name === node.image ? { name } : { name, version: node.image.slice(name.length + 1) };
    const context: TemplateContext = { node, image, server: this.inputs.server, inventory: this.inventory };
    const entries = new Map<string, OverlayEntry>();
    const origins = new Map<string, string>();
    const hash = createHash('sha256').update(JSON.stringify([sortedVars(node), image ?? null, this.inputs.server]));
    for (const name of node.overlays) {
      const overlay = await this.load(name, ` (listed for node ${node.name})`);
      hash.update(`\n${name}:${overlay.digest}`);
      for (const entry of await this.entriesOf(overlay, context)) {
        entries.set(entry.path, entry);
        origins.set(entry.path, name);
      }
    }
    const sorted = this.withParents(node.name, entries, origins);
    requireNodeSize(node.name, sorted);
    for (const entry of sorted) {
      hash.update(JSON.stringify([entry.path, entry.kind, entry.mode, entry.uid, entry.gid, entry.target ?? null, entry.secret, entry.data ? this.dataDigest(entry.data) : null]));
    }
    return { node: node.name, entries: sorted, secret: sorted.some((entry) => entry.secret), inputDigest: hash.digest('hex'), origins };
  }

  /**
   * The digest of everything rendering `effective` reads (see OverlayRenderer.inputDigests; key files
   * by their listing, HostKeyStore.fingerprint), or undefined when it cannot be known without rendering:
   * keys given without a fingerprint (a check's placeholders), an overlay that cannot be loaded (it fails in the render).
   */
  async inputsDigest(effective: EffectiveNode): Promise<string | undefined> {
    return (await this.inputsDigests([effective])).get(effective.name);
  }

  /**
   * {@link inputsDigest} of each of `nodes` (node name → digest; nodes whose
   * digest cannot be known are left out). Each overlay is awaited once, the
   * first time a node lists it; the rest is synchronous, so 10,000 nodes cost
   * 10,000 hashes and no promise each.
   */
  async inputsDigests(nodes: readonly EffectiveNode[]): Promise<Map<string, string>> {
    const ready = new Map<string, LoadedOverlay | undefined>();
    const digests = new Map<string, string>();
    for (const effective of nodes) {
      // Callers merge `effective` from this session's document: a node's digest is computed once per session.
      const known = this.digests.get(effective.name);
      if (known !== undefined) {
        if (known !== null) digests.set(effective.name, known);
        continue;
      }
      const node = nodeContext(effective);
      for (const name of node.overlays) {
        if (!ready.has(name)) ready.set(name, await this.load(name).catch(() => undefined));
      }
      const digest = this.digestOf(node, ready);
      this.digests.set(effective.name, digest ?? null);
      if (digest !== undefined) digests.set(effective.name, digest);
    }
    return digests;
  }

  private digestOf(node: NodeContext, ready: ReadonlyMap<string, LoadedOverlay | undefined>): string | undefined {
    const hash = createHash('sha256').update(JSON.stringify([INPUTS_REVISION, sortedVars(node), this.inputs.server]));
    for (const name of node.overlays) {
      const overlay = ready.get(name);
      const keys = overlay?.source.generator === 'ssh-host-keys' ? this.inputs.keys.fingerprint?.(node.name) ?? null : '';
      if (overlay === undefined || keys === null) return undefined;
      hash.update(`\n${name}:${overlay.digest}${keys === '' ? '' : `\nkeys:${keys}`}`);
      if (this.readsInventory(overlay)) hash.update(`\ninventory:${this.hostsDigest()}`);
    }
    return hash.digest('hex');
  }

  /** Digest of the inventory's readable part (what `inventory` and /etc/hosts show), once per session. */
  private hostsDigest(): string {
    const hosts = hostsOf(this.inputs.document);
    return (hosts.digest ??= createHash('sha256').update(JSON.stringify(hosts.list)).digest('hex'));
  }

  /**
   * Digest of what every node's inputs digest shares: the code revision, the
   * server, the fingerprint of every overlay folder there is and of the
   * account files owners are resolved from (tree-fingerprint.ts: listings,
   * no file read, no overlay.yml parsed), and the inventory's readable part.
   * Two sessions with the same context digest give the same inputs digest to
   * a node with the same effective attributes (OverlayRenderer.contextDigest).
   */
  async contextDigest(): Promise<string> {
    const folders = await Promise.all([...this.inputs.sources.values()].map(async (source) =>
      `${source.name}:${source.generator ?? ''}:${source.dir === undefined ? '' : await treeFingerprint(source.dir)}`));
    const parts = [INPUTS_REVISION, this.inputs.server, folders, await this.inputs.accounts.fingerprint(), this.hostsDigest()];
    return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  }

  /**
   * Whether an overlay's output may depend on other nodes: the hostname
   * overlay (/etc/hosts), or a template naming `inventory` anywhere in its
   * text. Templates have no loader (templates.ts), so their own text is all
   * they can read the context through; a mention in a comment counts too.
   */
  private readsInventory(overlay: LoadedOverlay): boolean {
    let reads = this.readers.get(overlay);
    if (reads === undefined) {
      reads = overlay.source.generator === 'hostname' || overlay.files.some((file) => file.template && file.data?.includes('inventory') === true);
      this.readers.set(overlay, reads);
    }
    return reads;
  }

  private async entriesOf(overlay: LoadedOverlay, context: TemplateContext): Promise<OverlayEntry[]> {
    const { generator } = overlay.source;
    if (generator === 'hostname') return hostnameEntries(context.node.name, hostsOf(this.inputs.document).file ??= hostsText(this.inventoryHosts()));
    if (generator === 'network') return networkEntries(context.node.name, context.node.vars);
    if (generator === 'ssh-host-keys') return hostKeyEntries(await this.inputs.keys.keys(context.node.name) ?? []);
    const entries: OverlayEntry[] = [];
    for (const file of overlay.files) {
      const entry: OverlayEntry = { path: file.path, kind: file.kind, mode: file.mode, uid: file.uid, gid: file.gid, secret: file.secret };
      if (file.kind === 'symlink') entry.target = file.target;
      if (file.kind === 'file') entry.data = file.template ? (await this.template(overlay.source.name, file)).render(context) : file.data;
      entries.push(entry);
    }
    return entries;
  }

  private inventoryHosts(): InventoryHost[] {
    return hostsOf(this.inputs.document).list;
  }

  /** The compiled template of `file` (compiled once per session; a syntax error throws at each use). */
  private async template(overlay: string, file: SourceFile): Promise<OverlayTemplate> {
    let template = this.templates.get(file);
    if (!template) {
      template = await OverlayTemplate.compile(overlay, file);
      this.templates.set(file, template);
    }
    return template;
  }

  /**
   * The entries sorted by path with the folders above each one (root-owned
   * 0755 when no overlay gives them). Nothing may lie under a file or a
   * symbolic link: writing through a link would put a file outside the place
   * the overlay names.
   */
  private withParents(node: string, entries: Map<string, OverlayEntry>, origins: Map<string, string>): OverlayEntry[] {
    for (const path of [...entries.keys()]) {
      for (const parent of parentsOf(path)) {
        const above = entries.get(parent);
        if (!above) {
          entries.set(parent, { path: parent, kind: 'dir', mode: 0o755, uid: 0, gid: 0, secret: false });
        } else if (above.kind !== 'dir') {
          throw new UsageError('E_OVERLAY_PATH', `node ${node}: ${path} (overlay ${origins.get(path)}) lies under ${parent}, which overlay ${origins.get(parent)} makes a ${above.kind === 'symlink' ? 'symbolic link' : 'file'}`,
            'change one of the overlays, or their order, so a path is not both a folder and a file or link');
        }
      }
    }
    return [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** SHA-256 of a file's content, once per buffer (a template output shared by all nodes is hashed once). */
  private dataDigest(data: Buffer): string {
    let digest = this.dataDigests.get(data);
    if (digest === undefined) {
      digest = createHash('sha256').update(data).digest('hex');
      this.dataDigests.set(data, digest);
    }
    return digest;
  }
}
