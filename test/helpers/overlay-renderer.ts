/**
 * A tiny overlay renderer for the delivery tests (the real one lives in
 * core/overlays/, another branch): each node gets fixed entries made from its
 * effective attributes, one of them secret (a fake host key), a folder with
 * an unusual owner and a symbolic link. A node whose `vars.template` is
 * `broken` fails like a template error. Plus ways to run the CLI with it,
 * in this process or as a real process (overlay-cli.ts).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { UsageError } from '../../src/errors/index.js';
import { effectiveNode } from '../../src/core/nodes/effective.js';
import type { NodeEntry } from '../../src/core/nodes/attributes.js';
import type { NodeInventory } from '../../src/core/nodes/inventory.js';
import type { InventoryDocument } from '../../src/core/nodes/inventory-file.js';
import type { OverlayEntry, OverlayRenderer, RenderedOverlay, RenderFailureHandler } from '../../src/core/overlays/rendered.js';
import { main, type OutputStream } from '../../src/cli/main.js';
import { openServices, type Services } from '../../src/services/services.js';
import { run, type RunResult } from '../../src/system/runner.js';
import assert from 'node:assert/strict';
import type { Paths } from '../../src/core/paths.js';
import { makeTempRoot, REPO_ROOT, type TempRoot } from './temp-root.js';
import type { CliRun } from './run-cli.js';

/** The compiled process entry running the CLI with this renderer. */
export const OVERLAY_CLI = join(REPO_ROOT, 'dist', 'test', 'helpers', 'overlay-cli.js');

/** The fake host key of `node` (secret entry). */
export function fakeHostKey(node: string): string {
  return `-----BEGIN OPENSSH PRIVATE KEY-----\nkey of ${node}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

/** Renders from the inventory as committed (read at each call). */
export class TestOverlayRenderer implements OverlayRenderer {
  /** Nodes rendered so far, in order (a test sees what a build rendered). */
  readonly rendered: string[] = [];

  constructor(private readonly inventory: NodeInventory) {}

  async renderNode(node: string): Promise<RenderedOverlay> {
    return (await this.renderNodes([node]))[0] as RenderedOverlay;
  }

  async renderNodes(nodes: readonly string[], onFailure?: RenderFailureHandler, given?: InventoryDocument): Promise<RenderedOverlay[]> {
    const document = given ?? await this.inventory.read();
    return nodes.flatMap((node) => {
      const effective = effectiveNode(node, document.nodes[node] as NodeEntry, document.profiles).attributes;
      if (effective.vars?.template === 'broken') {
        const error = new UsageError('E_OVERLAY_TEMPLATE', 'overlay test, file etc/motd.j2, line 3: "broken" is undefined', 'fix the template');
        if (!onFailure) throw error;
        onFailure(node, error);
        return [];
      }
      this.rendered.push(node);
      const entries: OverlayEntry[] = [
        { path: '/etc', kind: 'dir', mode: 0o755, uid: 0, gid: 0, secret: false },
        { path: '/etc/hostname', kind: 'file', mode: 0o644, uid: 0, gid: 0, data: Buffer.from(`${node}\n`), secret: false },
        { path: '/etc/localtime', kind: 'symlink', mode: 0o777, uid: 0, gid: 0, target: '../usr/share/zoneinfo/UTC', secret: false },
        { path: '/etc/site', kind: 'dir', mode: 0o750, uid: 0, gid: 42, secret: false },
        { path: '/etc/site/vars.json', kind: 'file', mode: 0o640, uid: 1000, gid: 42, data: Buffer.from(`${JSON.stringify(effective.vars ?? {})}\n`), secret: false },
        { path: '/etc/ssh/ssh_host_ed25519_key', kind: 'file', mode: 0o600, uid: 0, gid: 0, data: Buffer.from(fakeHostKey(node)), secret: true },
      ];
      const inputDigest = createHash('sha256').update(JSON.stringify({ node, effective })).digest('hex');
      return [{ node, entries, secret: true, inputDigest }];
    });
  }
}

/** Opens the library on `root` with the test renderer. */
export function overlayServices(root: string): Promise<Services> {
  return openServices({ root, overlayRenderer: (services) => new TestOverlayRenderer(services.inventory) });
}

function capture(): OutputStream & { text: () => string } {
  let text = '';
  return { isTTY: false, write(chunk: string, callback?: () => void) { text += chunk; callback?.(); return true; }, text: () => text };
}

/** Runs `disklessset --root ROOT ARGV...` in this process with the test renderer (as run-cli.ts does without one). */
export async function overlayCli(root: string, argv: readonly string[]): Promise<CliRun> {
  const stdout = capture();
  const stderr = capture();
  const stdin = Object.assign(Readable.from([Buffer.from('')]), { isTTY: false });
  const exitCode = await main(['--root', root, ...argv], {
    stdout, stderr, stdin, env: { NO_COLOR: '1' }, signal: new AbortController().signal,
    overlayRenderer: (services) => new TestOverlayRenderer(services.inventory),
  });
  return { exitCode, stdout: stdout.text(), stderr: stderr.text() };
}

/** Runs the same as a real process (overlay-cli.ts). */
export function overlayCliProcess(root: string, argv: readonly string[]): Promise<RunResult> {
  return run([process.execPath, OVERLAY_CLI, '--root', root, ...argv], { allowFailure: true, timeoutMs: 600_000, env: { DISKLESS_ROOT: undefined, NO_COLOR: '1' } });
}

/** Runs `action` on a fresh root with the test renderer and one demo image, `alpha`; the root is removed afterwards. */
export async function withOverlayRoot(action: (root: TempRoot, paths: Paths) => Promise<void>): Promise<void> {
  const root = await makeTempRoot();
  try {
    const services = await overlayServices(root.root);
    await services.images.create('DemoImage', 'alpha', { message: 'hello' });
    await action(root, services.paths);
  } finally {
    await root.cleanup();
  }
}

/** {@link overlayCli} that must succeed; returns its standard output. */
export async function overlayCliOk(root: TempRoot, ...argv: string[]): Promise<string> {
  const result = await overlayCli(root.root, argv);
  assert.equal(result.exitCode, 0, `${argv.join(' ')}: ${result.stderr}`);
  return result.stdout;
}
