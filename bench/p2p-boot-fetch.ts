/**
 * How a simulated node of bench/p2p-boot.ts fetches the root image: by plain
 * HTTP (curl, what dracut's livenet module does), or by the peer-to-peer
 * path, which is the initramfs's own fetch script
 * (`dracut/96diskless-fetch/diskless-p2p-fetch`, run unchanged in the node's
 * namespace). Each returns when the node has the complete image, with the
 * time it took; a failure is a result, not a throw, so one node failing does
 * not hide the others' figures.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NetnsHarness, SimNode } from './netns-harness.js';

/** The initramfs's fetch script, from the source tree; P2P_BENCH_FETCH_SCRIPT runs another copy (to try aria2c options). */
export const FETCH_SCRIPT = process.env.P2P_BENCH_FETCH_SCRIPT
  ?? fileURLToPath(new URL('../../dracut/96diskless-fetch/diskless-p2p-fetch', import.meta.url));

/** What one node did. */
export interface FetchResult {
  node: number;
  ok: boolean;
  /** Time from the common start to the node having the whole image, in ms. */
  ms: number;
  /** Why it failed (last line of its error output), or ''. */
  detail: string;
}

/** What the peer-to-peer path needs, as the contract's script takes it. */
export interface P2pSource {
  torrentUrl: string;
  sha256Url: string;
  /** Seeding time after the image is complete, in seconds. */
  seedSeconds: number;
  /** Plain HTTP fallbacks, in order (the node's servers). */
  httpUrls: string[];
}

/** The last lines of a failed node's error output (what each way tried said), joined. */
function lastLine(text: string): string {
  return text.trim().split('\n').slice(-4).join(' | ');
}

/** Fetches `url` into `output` with curl inside the node's namespace. */
export async function fetchHttp(harness: NetnsHarness, node: SimNode, url: string, output: string, start: number,
  signal: AbortSignal): Promise<FetchResult> {
  const result = await harness.exec(node, ['curl', '--fail', '--silent', '--show-error', '--output', output, url],
    { signal, allowFailure: true }).catch((error: Error) => ({ exitCode: -1, stderr: error.message }));
  return { node: node.index, ok: result.exitCode === 0, ms: performance.now() - start, detail: result.exitCode === 0 ? '' : lastLine(result.stderr) };
}

/**
 * Runs the fetch script in the node's namespace:
 * `diskless-p2p-fetch TORRENT_URL OUTPUT SHA256_URL SEED_SECONDS HTTP_URL...`.
 * It exits 0 once OUTPUT is complete and verified, leaving its seeder running
 * in the namespace (the harness kills it at the end of the phase).
 */
export async function fetchP2p(harness: NetnsHarness, node: SimNode, source: P2pSource, output: string, start: number,
  signal: AbortSignal): Promise<FetchResult> {
  if (!existsSync(FETCH_SCRIPT)) return { node: node.index, ok: false, ms: 0, detail: `${FETCH_SCRIPT} is missing` };
  const argv = ['sh', FETCH_SCRIPT, source.torrentUrl, output, source.sha256Url, String(source.seedSeconds), ...source.httpUrls];
  const result = await harness.exec(node, argv, { signal, allowFailure: true })
    .catch((error: Error) => ({ exitCode: -1, stderr: error.message }));
  return { node: node.index, ok: result.exitCode === 0, ms: performance.now() - start, detail: result.exitCode === 0 ? '' : lastLine(result.stderr) };
}
