/**
 * The overlays of one installation as the layers above see them: render
 * nodes (the contract of rendered.ts), list and describe overlays, check
 * overlay names a change to the inventory brings, and give a node's SSH host
 * keys. Every call reads the inventory and the overlay sources afresh.
 */
import { DisklessError, NotFoundError, UsageError } from '../../errors/index.js';

const NODE_KEY_ERRORS = new Set(['E_HOST_KEY_FILE', 'E_HOST_KEYS_LINK']);
import { foldNodes } from '../../nodeset/index.js';
import type { DisklessConfig } from '../config.js';
import { validateOverlayName } from '../names.js';
import type { Paths } from '../paths.js';
import type { EffectiveNode } from '../nodes/effective.js';
import { effectiveNode } from '../nodes/effective.js';
import type { NodeInventory } from '../nodes/inventory.js';
import type { NodeEntry } from '../nodes/attributes.js';
import { AccountResolver } from './accounts.js';
import { DEFAULT_OVERLAYS } from './context.js';
import { GENERATED_OVERLAYS } from './generated.js';
import type { RenderedOverlay, RenderFailureHandler } from './rendered.js';
import type { InventoryDocument } from '../nodes/inventory-file.js';
import type { OverlayDescription, OverlayFileInfo, OverlayService, OverlaySummary } from './service-contract.js';
import { RenderSession, type SessionResult } from './render-session.js';
import { RenderMemo } from './render-memo.js';
import { listOverlaySources, loadOverlay, requireSource, BUILTIN_OVERLAYS_DIR } from './sources.js';
import { HOST_KEY_TYPES, HostKeyStore, type HostKey } from './ssh-host-keys.js';

/** Options of {@link createOverlayRenderer}. */
export interface OverlayServiceOptions {
  paths: Paths;
  inventory: NodeInventory;
  config: DisklessConfig;
  /** Folder of the built-in overlays (default: the package's `overlays/`). */
  builtinDir?: string;
}

export type { OverlayDescription, OverlayFileInfo, OverlayService, OverlaySummary } from './service-contract.js';

export const mode = (bits: number): string => `0${bits.toString(8).padStart(3, '0')}`;

class Overlays implements OverlayService {
  private readonly keys: HostKeyStore;
  private readonly builtinDir: string;
  /** What the last check rendered, for the publication of the same change (render-memo.ts). */
  private readonly memo = new RenderMemo();

  constructor(private readonly options: OverlayServiceOptions) {
    this.keys = new HostKeyStore(options.paths);
    this.builtinDir = options.builtinDir ?? BUILTIN_OVERLAYS_DIR;
  }

  async renderNode(node: string): Promise<RenderedOverlay> {
    return strip((await this.renderWithOrigins([node]))[0] as SessionResult);
  }

  async renderNodes(nodes: readonly string[], onFailure?: RenderFailureHandler, document?: InventoryDocument): Promise<RenderedOverlay[]> {
    return (await this.renderWithOrigins(nodes, onFailure, document)).map(strip);
  }

  async renderWithOrigins(nodes: readonly string[], onFailure?: RenderFailureHandler, document?: InventoryDocument): Promise<SessionResult[]> {
    try {
      return await this.renderDocument(document ?? await this.options.inventory.read(), nodes, this.keys, onFailure, 'publish');
    } finally {
      this.memo.clear();
      this.published = undefined;
    }
  }

  async inputDigests(nodes: readonly string[], given?: InventoryDocument): Promise<Map<string, string>> {
    const document = given ?? await this.options.inventory.read();
    const session = await this.publishSession(document);
    const known = nodes.filter((name) => Object.hasOwn(document.nodes, name));
    return session.inputsDigests(known.map((name) => effectiveNode(name, document.nodes[name] as NodeEntry, document.profiles)));
  }

  async contextDigest(document: InventoryDocument): Promise<string> {
    return (await this.publishSession(document)).contextDigest();
  }

  /**
   * The session of a build's digests (inputDigests) kept for its renders
   * (renderNodes of the same document object, right after): the digests it
   * computed are not computed again. Dropped once the build has rendered.
   */
  private published: { document: InventoryDocument; session: Promise<RenderSession> } | undefined;

  private publishSession(document: InventoryDocument): Promise<RenderSession> {
    if (this.published?.document !== document) this.published = { document, session: this.session(document, this.keys) };
    return this.published.session;
  }

  async check(document: InventoryDocument, nodes: readonly string[]): Promise<void> {
    const keys = { keys: async (node: string) => await this.keys.keys(node, { generate: false }) ?? placeholderKeys };
    // The first node that fails stops the check: its problem, named with the node, is the refusal.
    this.memo.clear();
    await this.renderDocument(document, nodes, keys, (node, error) => {
      const line = error.message.startsWith(`node ${node}:`) ? error.message : `node ${node}: ${error.message}`;
      throw new UsageError(error.code, line, (error as UsageError).hint);
    }, 'check');
  }

  private async session(document: InventoryDocument, keys: Pick<HostKeyStore, 'keys'>): Promise<RenderSession> {
    return new RenderSession({
      sources: await listOverlaySources(this.options.paths, this.builtinDir), accounts: new AccountResolver(this.options.paths),
      keys, server: this.options.config.serverAddress === null ? {} : { address: this.options.config.serverAddress }, document,
    });
  }

  /**
   * Renders `nodes` of `document`. A check keeps what it rendered (by inputs
   * digest); a publication takes those renders whose inputs are unchanged.
   */
  private async renderDocument(document: InventoryDocument, nodes: readonly string[], keys: Pick<HostKeyStore, 'keys'>,
    onFailure: RenderFailureHandler | undefined, purpose: 'check' | 'publish'): Promise<SessionResult[]> {
    const missing = nodes.filter((name) => !Object.hasOwn(document.nodes, name));
    if (missing.length > 0) throw new NotFoundError('E_NODE_NOT_FOUND', `${foldNodes(missing)} not in the inventory`, 'see `disklessset node list`');
    const session = await (purpose === 'publish' ? this.publishSession(document) : this.session(document, keys));
    const digests = purpose === 'check' || !this.memo.empty;
    const results: SessionResult[] = [];
    for (const name of nodes) {
      try {
        const effective = effectiveNode(name, document.nodes[name] as NodeEntry, document.profiles);
        const inputs = digests ? await session.inputsDigest(effective) : undefined;
        const kept = purpose === 'publish' && inputs !== undefined ? this.memo.take(name, inputs) : undefined;
        const result = kept ?? await session.render(effective);
        if (purpose === 'check' && inputs !== undefined) this.memo.keep(name, inputs, result);
        results.push(result);
      } catch (error) {
        // A node's own bad key folder or file stops that node only, as a template error does.
        const nodeOnly = error instanceof UsageError || (error instanceof DisklessError && NODE_KEY_ERRORS.has(error.code));
        if (!nodeOnly || !onFailure) throw error;
        onFailure(name, error);
      }
    }
    return results;
  }

  async list(): Promise<OverlaySummary[]> {
    const sources = await listOverlaySources(this.options.paths, this.builtinDir);
    const counts = new Map<string, number>();
    for (const node of await this.effectiveNodes()) {
      for (const name of node.attributes.overlays?.length ? node.attributes.overlays : DEFAULT_OVERLAYS) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    const accounts = new AccountResolver(this.options.paths);
    const summaries: OverlaySummary[] = [];
    for (const source of sources.values()) {
      const loaded = await loadOverlay(source, accounts);
      summaries.push({
        name: source.name, origin: source.origin, overridesBuiltin: source.overridesBuiltin, generated: source.generator !== undefined,
        description: loaded.description ?? null,
        fileCount: source.generator ? GENERATED_OVERLAYS[source.generator].files.length : loaded.files.length,
        nodeCount: counts.get(source.name) ?? 0,
      });
    }
    return summaries;
  }

  async show(name: string): Promise<OverlayDescription> {
    const source = requireSource(await listOverlaySources(this.options.paths, this.builtinDir), name);
    const loaded = await loadOverlay(source, new AccountResolver(this.options.paths));
    const files: OverlayFileInfo[] = source.generator
      ? GENERATED_OVERLAYS[source.generator].files.map((path) => ({ path, source: null, kind: 'file' as const, template: false, mode: null, uid: 0, gid: 0, size: null, target: null, secret: /_key$/.test(path) }))
      : loaded.files.map((file) => ({
        path: file.path, source: file.sourcePath, kind: file.kind, template: file.template, mode: mode(file.mode), uid: file.uid, gid: file.gid,
        size: file.data?.length ?? null, target: file.target ?? null, secret: file.secret,
      }));
    return { name, origin: source.origin, overridesBuiltin: source.overridesBuiltin, generated: source.generator !== undefined, description: loaded.description ?? null, files };
  }

  async requireKnown(names: readonly string[], where = ''): Promise<void> {
    if (names.length === 0) return;
    const sources = await listOverlaySources(this.options.paths, this.builtinDir);
    for (const name of names) requireSource(sources, validateOverlayName(name), where);
  }

  async hostKeys(nodes: readonly string[]): Promise<Map<string, HostKey[]>> {
    await this.requireHostKeyNodes(nodes);
    const keys = new Map<string, HostKey[]>();
    for (const node of nodes) keys.set(node, await this.keys.keys(node) as HostKey[]);
    return keys;
  }

  async requireHostKeyNodes(nodes: readonly string[]): Promise<void> {
    const byName = new Map((await this.effectiveNodes()).map((entry) => [entry.name, entry]));
    const missing = nodes.filter((node) => !byName.has(node));
    if (missing.length > 0) throw new NotFoundError('E_NODE_NOT_FOUND', `${foldNodes(missing)} not in the inventory`, 'see `disklessset node list`');
    const without = nodes.filter((node) => !byName.get(node)?.attributes.overlays?.includes('ssh-host-keys'));
    if (without.length > 0) {
      const set = foldNodes(without);
      throw new UsageError('E_OVERLAY_NO_HOST_KEYS', `${without.length === 1 ? 'node' : 'nodes'} ${set} ${without.length === 1 ? 'does' : 'do'} not get the ssh-host-keys overlay`,
        `add it: \`disklessset node set '${set}' --overlay hostname --overlay ssh-host-keys\` (or to one of their profiles)`);
    }
  }

  private async effectiveNodes(): Promise<EffectiveNode[]> {
    const document = await this.options.inventory.read();
    // The file keeps nodes in natural order already (the tool writes it so); sorting 10,000 names again costs 0.3 s.
    return Object.keys(document.nodes).map((name) => effectiveNode(name, document.nodes[name] as NodeEntry, document.profiles));
  }
}

/** Stand-ins for the keys of a node that has none yet: a check must not make keys for a change it may refuse. */
const placeholderKeys: HostKey[] = HOST_KEY_TYPES.map((type) => ({
  type, privateFile: '', publicFile: '', privateKey: Buffer.from('placeholder\n'), publicKey: `ssh-${type} placeholder`,
}));

function strip(result: SessionResult): RenderedOverlay {
  const { origins: _origins, ...rendered } = result;
  return rendered;
}

/**
 * The overlays of one installation: renders nodes for the delivery side
 * (src/boot/overlays/) and serves the `overlay` commands.
 */
export function createOverlayRenderer(options: OverlayServiceOptions): OverlayService {
  return new Overlays(options);
}
