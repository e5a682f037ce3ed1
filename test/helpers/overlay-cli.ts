/**
 * A process entry like src/cli/bin.ts, with the test overlay renderer wired
 * in: for the kill tests and the benchmark of overlay delivery, which need a
 * real process.
 */
import { main } from '../../src/cli/main.js';
import { TestOverlayRenderer } from './overlay-renderer.js';

const abort = new AbortController();
process.on('SIGTERM', () => abort.abort('SIGTERM'));
const code = await main(process.argv.slice(2), {
  stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, signal: abort.signal,
  overlayRenderer: (services) => new TestOverlayRenderer(services.inventory),
});
process.exit(code);
