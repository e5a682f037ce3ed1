/**
 * `disklessset serve` run as a child process for boot tests and the demo:
 * the product's own HTTP server, on port 80 because iPXE's `${next-server}`
 * carries no port, with its access log (stderr) parsed into requests.
 */
import { OperationError } from '../../../src/errors/index.js';
import { run, CommandError } from '../../../src/system/runner.js';
import { assertLeasedPortFree, httpPort } from './ports.js';
import { leasePort } from './port-lease.js';

/** One line of serve's access log. */
export interface ServedRequest {
  client: string;
  method: string;
  path: string;
  status: number;
  bytes: number;
}

/** A running `disklessset serve`. */
export interface CliServer {
  port: number;
  /** The tracker's announce URL as serve printed it (`http://127.0.0.1:N/announce`), when started with {@link CliServerOptions.trackerPort}. */
  trackerUrl?: string;
  /** Every request logged so far, oldest first. */
  requests: ServedRequest[];
  /** Everything the server wrote, for failure messages. */
  output(): string;
  /** SIGTERM, then waits for the process to end. */
  stop(): Promise<void>;
}

/** Options of {@link startCliServer}. */
export interface CliServerOptions {
  /** The CLI's executable (the bundle, see test/helpers/temp-root.ts CLI). */
  cli: string;
  /** Root prefix the CLI works on. */
  root: string;
  port?: number;
  /**
   * Address serve binds (default 127.0.0.1). `0.0.0.0` when the guest must
   * reach a host address other than 10.0.2.2 (a BitTorrent peer on the host
   * is announced to the tracker by its source address, which is never
   * 127.0.0.1 for the guest).
   */
  listen?: string;
  /** More arguments of `serve` (e.g. `--api`). */
  extraArgs?: string[];
  /**
   * Also runs serve's own BitTorrent tracker on this port (`--tracker
   * --tracker-port N`); start-up then waits for its "tracker at" line.
   */
  trackerPort?: number;
  /** Each access-log line as it comes (the demo prints them). */
  onRequest?: (request: ServedRequest) => void;
  startTimeoutMs?: number;
}

/** serve's line naming its tracker (with `--tracker`). */
const TRACKER_LINE = /tracker at (http:\/\/\S+\/announce)/;

/** Parses `CLIENT METHOD PATH STATUS BYTES DURATIONms [aborted]`. */
export function parseAccessLine(line: string): ServedRequest | undefined {
  const match = /^(\S+) (\S+) (\S+) (\d{3}) (\d+) [\d.]+ms/.exec(line);
  if (!match) return undefined;
  return { client: match[1]!, method: match[2]!, path: match[3]!, status: Number(match[4]), bytes: Number(match[5]) };
}

/**
 * Starts `disklessset --root ROOT serve --listen 127.0.0.1 --port 80` (another address with `listen`; with
 * its tracker when asked) and resolves once it says it is serving. Throws E_E2E_HTTP_PORT_BUSY naming
 * the holder when the port is taken.
 */
export async function startCliServer(options: CliServerOptions): Promise<CliServer> {
  const port = options.port ?? 80;
  // Held until stop(): the other boot test file's server waits for it (port-lease.ts).
  const release = await leasePort(port);
  try {
    return await serveOnLeasedPort(options, port, release);
  } catch (error) {
    await release();
    throw error;
  }
}

async function serveOnLeasedPort(options: CliServerOptions, port: number, release: () => Promise<void>): Promise<CliServer> {
  await assertLeasedPortFree(httpPort(port));
  const requests: ServedRequest[] = [];
  let text = '';
  let pending = '';
  let serving: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => { serving = resolve; });
  const onStderr = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const request = parseAccessLine(line);
      if (!request) continue;
      requests.push(request);
      options.onRequest?.(request);
    }
  };
  const trackerArgs = options.trackerPort === undefined ? [] : ['--tracker', '--tracker-port', String(options.trackerPort)];
  // serve prints its tracker line right after the serving line: both, or the tracker is not up yet.
  const started = () => text.includes('serving ') && (options.trackerPort === undefined || TRACKER_LINE.test(text));
  const onStdout = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    if (started()) serving();
  };
  const stopper = new AbortController();
  let exited: unknown;
  let hasExited = false;
  const child = run([process.execPath, options.cli, '--root', options.root, 'serve', '--listen', options.listen ?? '127.0.0.1', '--port', String(port), ...trackerArgs, ...(options.extraArgs ?? [])], {
    signal: stopper.signal, onStderr, onStdout, env: { DISKLESS_ROOT: undefined, NO_COLOR: '1' },
  }).then(() => undefined, (error: unknown) => { exited = error; })
    .finally(() => { hasExited = true; serving(); });

  const timeout = setTimeout(() => serving(), options.startTimeoutMs ?? 30_000);
  await ready;
  clearTimeout(timeout);
  const stop = async () => { stopper.abort(); await child; await release(); };
  if (hasExited || !started()) {
    stopper.abort();
    await child;
    const why = exited instanceof CommandError ? exited.message : 'it never said it was serving';
    throw new OperationError('E_E2E_SERVE_START', `disklessset serve did not start (${why})`, text.trim().split('\n').slice(-10).join('\n'));
  }
  return { port, trackerUrl: TRACKER_LINE.exec(text)?.[1], requests, output: () => text, stop };
}
