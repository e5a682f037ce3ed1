/**
 * The servers of the peer-to-peer benchmark (bench/p2p-boot.ts), each the
 * real program a site would run: `disklessset serve` (the CLI process) on
 * the host's bridge address, and a satellite nginx configured by
 * `disklessset http-config nginx --satellite-of`, running inside a
 * namespace of its own like a separate machine.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../src/system/runner.js';
import type { NetnsHarness, SimNode } from './netns-harness.js';

const CLI = fileURLToPath(new URL('../src/cli/bin.js', import.meta.url));

/** A running server; `stop` ends it (idempotent) and waits for its exit. */
export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts `disklessset --root ROOT serve --listen ADDRESS --port PORT` (plus
 * `extraArgs`) and resolves once it says it is serving.
 * @throws Error when it exits first or does not answer within 30 s.
 */
export async function startServe(root: string, address: string, port: number, extraArgs: string[], deadline: AbortSignal): Promise<RunningServer> {
  const controller = new AbortController();
  const stopOnDeadline = () => controller.abort();
  deadline.addEventListener('abort', stopOnDeadline, { once: true });
  let ready: () => void = () => {};
  const started = new Promise<void>((resolve) => { ready = resolve; });
  let output = '';
  const exited = run([process.execPath, CLI, '--root', root, 'serve', '--listen', address, '--port', String(port), ...extraArgs], {
    signal: controller.signal,
    env: { DISKLESS_ROOT: undefined, NO_COLOR: '1' },
    onStdout: (chunk) => { output += chunk.toString(); if (output.includes('serving')) ready(); },
    // The access log (one line per request) goes to stderr: not kept.
    onStderr: () => undefined,
    maxBuffer: 1024 * 1024,
  }).then(() => 'exited', (error: Error) => `failed: ${error.message}`);
  const outcome = await Promise.race([started.then(() => 'ready'), exited,
    new Promise<string>((resolve) => setTimeout(() => resolve('no answer within 30 s'), 30_000).unref())]);
  const stop = async () => {
    controller.abort();
    deadline.removeEventListener('abort', stopOnDeadline);
    await exited;
  };
  if (outcome !== 'ready') {
    await stop();
    throw new Error(`disklessset serve did not start: ${outcome}`);
  }
  return { url: `http://${address}:${port}`, stop };
}

/**
 * Starts a satellite nginx in `node`'s namespace, configured by
 * `disklessset http-config nginx --satellite-of MAIN_URL`, listening on port 80
 * of that node, its cache and files in `workDir`. Resolves once it answers.
 */
export async function startSatellite(harness: NetnsHarness, node: SimNode, root: string, mainUrl: string, workDir: string,
  deadline: AbortSignal): Promise<RunningServer> {
  await mkdir(join(workDir, 'cache'), { recursive: true });
  const config = await run([process.execPath, CLI, '--root', root, 'http-config', 'nginx', '--satellite-of', mainUrl,
    '--port', '80', '--cache-dir', join(workDir, 'cache')], { env: { DISKLESS_ROOT: undefined }, timeoutMs: 30_000 });
  await writeFile(join(workDir, 'disklessset.conf'), config.stdout);
  const temp = (name: string) => `${name}_temp_path ${join(workDir, name)};`;
  await writeFile(join(workDir, 'nginx.conf'), [
    'daemon off;', 'worker_processes 1;', `pid ${join(workDir, 'nginx.pid')};`, `error_log ${join(workDir, 'error.log')} warn;`,
    'events { worker_connections 1024; }',
    'http {', '  access_log off;', `  ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}`,
    `  include ${join(workDir, 'disklessset.conf')};`, '}', '',
  ].join('\n'));
  // nginx's workers drop root: they must reach their cache and socket.
  await chmod(workDir, 0o755);
  await run(['chown', '-R', 'www-data', join(workDir, 'cache')], { timeoutMs: 10_000, allowFailure: true });
  const controller = new AbortController();
  const stopOnDeadline = () => controller.abort();
  deadline.addEventListener('abort', stopOnDeadline, { once: true });
  const exited = harness.exec(node, ['/usr/sbin/nginx', '-p', workDir, '-e', join(workDir, 'error.log'), '-c', join(workDir, 'nginx.conf')],
    { signal: controller.signal }).then(() => 'exited', (error: Error) => `failed: ${error.message}`);
  const url = `http://${node.address}`;
  const stop = async () => {
    controller.abort();
    deadline.removeEventListener('abort', stopOnDeadline);
    await exited;
  };
  for (let attempt = 0; ; attempt += 1) {
    const probe = await harness.exec(node, ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', `${url}/`],
      { allowFailure: true, timeoutMs: 5000 });
    if (probe.stdout !== '000' && probe.stdout !== '') break;
    if (attempt > 100) {
      await stop();
      throw new Error(`the satellite nginx did not answer: ${probe.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, stop };
}
