/**
 * `disklessset serve`: the embedded HTTP server for the boot tree, with the
 * REST API on the same port when `--api` is given. Runs until SIGINT or
 * SIGTERM, then stops the API's jobs (they clean up) and returns.
 */
import { isIP } from 'node:net';
import { refreshBootMenu } from '../../../boot/index.js';
import { UsageError } from '../../../errors/index.js';
import type { CommandSpec } from '../../command.js';
import type { Paths } from '../../../core/paths.js';
import type { Services } from '../../../services/services.js';
import type { ServedObserver } from '../../../serve/served-event.js';
import { DEFAULT_TRACKER_PORT } from '../../../serve/tracker-port.js';
import { DEFAULT_SEED_PORT, startSeeder, type Seeder, type SeederOptions } from '../../../system/bt-seeder.js';
import { startWorkerPool } from '../../../serve/worker-pool.js';
import { packageFile } from '../../../system/package-root.js';
import { sharedVersions } from '../../../core/image/version-share.js';
import { imagesWithOtherTrackers } from '../../../core/image/share-sources.js';
import { createBootServer } from '../../../serve/static-server.js';
import { createRestApi } from '../../../api/api-handler.js';
import { TokenStore } from '../../../api/token-store.js';
import { BootRecorder } from '../../../boot/node-status/index.js';
import { overlayAccessPolicy } from '../../../boot/overlays/access.js';

// Loaded when `serve` runs, so other commands do not pay for the server and API modules at start-up.
const DEFAULT_LISTEN = '127.0.0.1';
const DEFAULT_PORT = 80;
const API_PREFIX = '/api/v1';

/** A host name the resolver can take: labels of letters, digits and '-', dot-separated. */
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** Checks --listen before anything starts: an IP literal or a host name (else the resolver failed later, exit 1). */
function parseListen(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (isIP(text) === 0 && !HOST_NAME.test(text)) {
    throw new UsageError('E_SERVE_BAD_LISTEN', `listen address ${JSON.stringify(text)} is neither an IP address nor a host name`,
      'pass --listen 0.0.0.0, --listen 192.0.2.10, --listen :: or a host name of letters, digits, dots and dashes');
  }
  return text;
}

/** Most workers `--workers` accepts: far more than cores is only memory (each worker is a runtime of its own). */
const MAX_WORKERS = 64;

function parseWorkers(value: unknown, api: boolean): number {
  if (value === undefined) return 1;
  const count = /^\d{1,3}$/u.test(String(value)) ? Number(value) : Number.NaN;
  if (!(count >= 1 && count <= MAX_WORKERS)) {
    throw new UsageError('E_SERVE_BAD_WORKERS', `workers ${JSON.stringify(String(value))} is not a number from 1 to ${MAX_WORKERS}`, 'pass --workers 2 for example (one per core)');
  }
  if (count > 1 && api) {
    // The API keeps its jobs in memory: it must run in one process, and workers share the port.
    throw new UsageError('E_SERVE_WORKERS_WITH_API', '--workers cannot be combined with --api', 'run the REST API in a serve of its own on another port, or leave out --workers');
  }
  return count;
}

/** `anyPort`: whether 0 (any free port) is accepted; the seed port refuses it (aria2c has no such choice). */
function parsePort(value: unknown, fallback = DEFAULT_PORT, option = '--port', what = 'port', anyPort = true): number {
  if (value === undefined) return fallback;
  const port = /^\d{1,5}$/u.test(String(value)) ? Number(value) : Number.NaN;
  const lowest = anyPort ? 0 : 1;
  if (!Number.isInteger(port) || port < lowest || port > 65535) {
    const example = anyPort ? `pass ${option} 8080 for example (0 picks a free port)` : `pass ${option} ${fallback + 1} for example`;
    throw new UsageError('E_SERVE_BAD_PORT', `${what} ${JSON.stringify(String(value))} is not a number from ${lowest} to 65535`, example);
  }
  return port;
}

/**
 * Refuses one port given to two of the services serve starts (0 is never a
 * clash: each picks its own free port). Otherwise the second one failed to
 * bind with a message naming the wrong option, or aria2c failed silently.
 */
function checkDistinctPorts(ports: Array<[option: string, port: number | undefined]>): void {
  const given = ports.filter((entry): entry is [string, number] => entry[1] !== undefined && entry[1] !== 0);
  for (const [index, [option, port]] of given.entries()) {
    const other = given.slice(index + 1).find((entry) => entry[1] === port);
    if (other) {
      throw new UsageError('E_SERVE_PORT_TWICE', `${option} and ${other[0]} are both ${port}`, 'give the file server, the tracker and the seeder one port each');
    }
  }
}

/** Checks --seed-upload-limit: bytes per second, with an optional K or M (times 1024) as aria2c takes it. */
function parseRate(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{1,9})([KM]?)$/i.exec(String(value));
  if (!match) {
    throw new UsageError('E_SERVE_BAD_RATE', `upload limit ${JSON.stringify(String(value))} is not a rate in bytes per second`,
      'pass --seed-upload-limit 20M (or 500K, or 1048576)');
  }
  const unit = match[2]?.toUpperCase() === 'M' ? 1024 * 1024 : match[2]?.toUpperCase() === 'K' ? 1024 : 1;
  return Number(match[1]) * unit;
}

/**
 * Resolves when the command is aborted, with the name of the signal that
 * did it: bin.ts turns SIGINT, SIGTERM and SIGHUP into an abort whose reason
 * is the signal's name (another reason, from a library caller, reads SIGINT).
 */
function untilStopped(signal: AbortSignal): Promise<string> {
  const name = () => (typeof signal.reason === 'string' && signal.reason.startsWith('SIG') ? signal.reason : 'SIGINT');
  if (signal.aborted) return Promise.resolve(name());
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(name()), { once: true }));
}

/** Starts `--workers` processes serving the boot tree; what they serve is recorded here, in the primary. */
async function startWorkers(paths: Paths, options: {
  listen: string | undefined; port: number; workers: number; onServed: ServedObserver; log: (line: string) => void;
}): Promise<{ url: string; failed: Promise<Error>; close(): Promise<void> }> {
  // The worker's own code stays out of the main bundle: only `serve --workers` needs it.
  const { SERVE_WORKER_ENV, workerSettings } = await import('./serve-worker.js');
  return startWorkerPool({
    count: options.workers,
    // The bundled CLI: bin.ts runs only the worker when it finds the settings in its environment.
    exec: packageFile('dist/bundle/disklessset.js'),
    env: { [SERVE_WORKER_ENV]: JSON.stringify(workerSettings(paths, options.listen, options.port)) },
    onServed: options.onServed, accessLog: options.log, errorLog: options.log,
  });
}

/** The seeder of every published root image with a torrent (system/bt-seeder.ts over the image folders). */
async function startRootSeeder(paths: Paths, options: Omit<SeederOptions, 'list'>): Promise<Seeder> {
  return startSeeder({ ...options, list: () => sharedVersions(paths) });
}

/**
 * One warning per image whose current torrent names another tracker than the
 * configured one (its nodes would find no peers): the torrent is immutable
 * under its versioned name, so the fix is a rebuild, which publishes a new version.
 */
async function warnOtherTrackers(services: Services, log: (line: string) => void): Promise<void> {
  const images = (await services.images.list()).map((summary) => ({ name: summary.name, version: summary.attributes?.version }));
  for (const { name, trackers } of await imagesWithOtherTrackers(services.paths, services.config, images)) {
    const named = trackers.length === 0 ? 'no tracker' : `tracker ${trackers.join(', ')}`;
    log(`warning: image ${name}: its current version's torrent names ${named}, not the configured one, so its nodes find no peers; run \`disklessset image rebuild ${name}\` to publish a version naming it`);
  }
}

export const serveCommand: CommandSpec = {
  path: ['serve'],
  summary: 'serve the boot tree over HTTP (and the REST API with --api) until SIGINT/SIGTERM',
  example: 'serve --listen 0.0.0.0 --port 80 --api',
  options: [
    { name: 'listen', type: 'string', description: `address to bind (default ${DEFAULT_LISTEN})`, valueName: 'ADDR' },
    { name: 'port', type: 'string', description: `TCP port (default ${DEFAULT_PORT}, where iPXE scripts point; 0: any free port)`, valueName: 'N' },
    { name: 'api', type: 'boolean', description: `also answer the REST API under ${API_PREFIX} (bearer tokens)` },
    { name: 'tracker', type: 'boolean', description: 'also run a BitTorrent tracker (HTTP announces) for peer-to-peer root images' },
    { name: 'workers', type: 'string', description: 'serve files from N processes sharing the port (as nginx\'s worker processes; default 1, not with --api)', valueName: 'N' },
    { name: 'tracker-port', type: 'string', description: `TCP port of the tracker (default ${DEFAULT_TRACKER_PORT}; 0: any free port)`, valueName: 'N' },
    { name: 'seed', type: 'boolean', description: 'also seed every published root image over BitTorrent (aria2c), picking up new versions' },
    { name: 'seed-port', type: 'string', description: `TCP port the seeder listens on for peers (default ${DEFAULT_SEED_PORT})`, valueName: 'N' },
    { name: 'seed-upload-limit', type: 'string', description: 'cap on what the seeder sends, bytes/s with K or M (e.g. 20M; default none)', valueName: 'RATE' },
  ],
  async run({ services, io }, { options }) {
    const listen = parseListen(options.listen);
    const port = parsePort(options.port);
    const workers = parseWorkers(options.workers, Boolean(options.api));
    const trackerPort = parsePort(options['tracker-port'], DEFAULT_TRACKER_PORT, '--tracker-port', 'tracker port');
    if (options['tracker-port'] !== undefined && !options.tracker) {
      throw new UsageError('E_SERVE_TRACKER_PORT_ALONE', '--tracker-port was given without --tracker', 'add --tracker to run the tracker, or leave out --tracker-port');
    }
    // aria2c has no "any free port": it exits at once, and the seeder would start it again every poll.
    const seedPort = parsePort(options['seed-port'], DEFAULT_SEED_PORT, '--seed-port', 'seed port', false);
    const uploadLimit = parseRate(options['seed-upload-limit']);
    if ((options['seed-port'] !== undefined || uploadLimit !== undefined) && !options.seed) {
      throw new UsageError('E_SERVE_SEED_OPTION_ALONE', `${options['seed-port'] !== undefined ? '--seed-port' : '--seed-upload-limit'} was given without --seed`,
        'add --seed to seed the root images, or leave out the seeder options');
    }
    checkDistinctPorts([['--port', port], ['--tracker-port', options.tracker ? trackerPort : undefined], ['--seed-port', options.seed ? seedPort : undefined]]);
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const api = options.api ? createRestApi(services, {
      onInternalError: (error) => log(`api: internal error: ${(error as Error)?.message ?? String(error)}`),
      onWarning: (line) => log(`api: ${line}`),
    }) : undefined;
    if (api && (await new TokenStore(services.paths).list()).length === 0) {
      log('warning: no API token exists, every API call will be refused; create one with `disklessset api token create --role admin`');
    }
    await services.images.ensureLayout();
    await refreshBootMenu(services);
    // What each node fetches, for `node status`: kept in memory, written every 2 s at most and at shutdown.
    const recorder = await new BootRecorder(services.paths, services.inventory, {
      onError: (error) => log(`node status: cannot write the boot records: ${(error as Error)?.message ?? String(error)}`),
    }).open();
    // The tracker (bittorrent-tracker and its WebSocket packages) is loaded only when asked for.
    const { startTracker } = await import('../../../serve/tracker.js');
    // Before the file server: a tracker port in use stops the command before anything serves.
    const tracker = options.tracker ? await startTracker({ listen: listen ?? DEFAULT_LISTEN, port: trackerPort, warningLog: log }) : undefined;
    const server = await (workers > 1
      ? startWorkers(services.paths, { listen, port, workers, onServed: recorder.observe, log })
      : createBootServer({
        root: services.paths.httpRoot, listen, port, accessLog: log, errorLog: log,
        apiHandler: api?.handler, onServed: recorder.observe,
        // Archives holding secrets go to their node's registered address only.
        access: overlayAccessPolicy(services.paths),
      }).then((boot) => ({ url: boot.url, failed: new Promise<Error>(() => {}), close: () => boot.close() }))
    ).catch(async (error: unknown) => {
      await tracker?.close();
      await recorder.close().catch(() => undefined);
      throw error;
    });
    const seeder = options.seed ? await startRootSeeder(services.paths, { port: seedPort, uploadLimit, log }).catch(async (error: unknown) => {
      await server.close();
      await tracker?.close();
      await recorder.close().catch(() => undefined);
      throw error;
    }) : undefined;
    // Last line of defence: a stray rejection from a background task (an API job, a
    // stream callback) must not stop the boot service of the whole cluster.
    const onStray = (error: unknown) => log(`internal error (kept serving): ${(error as Error)?.message ?? String(error)}`);
    process.on('unhandledRejection', onStray);
    io.write(`serving ${services.paths.httpRoot} at ${server.url}${api ? ` (REST API at ${server.url}${API_PREFIX.slice(1)})` : ''}\n`);
    if (tracker) io.write(`tracker at ${tracker.announceUrl}\n`);
    if (seeder) io.write(`seeding ${seeder.seeding()} root image(s) on port ${seedPort}\n`);
    // A check that cannot read the images says so; it never ends a serve that already answers.
    if (tracker || seeder) await warnOtherTrackers(services, log).catch((error: unknown) => log(`warning: cannot compare the torrents' trackers: ${(error as Error)?.message ?? String(error)}`));
    const reason = await Promise.race([untilStopped(io.signal), server.failed]);
    log(`${typeof reason === 'string' ? reason : 'a serve worker failed'}: stopping`);
    process.off('unhandledRejection', onStray);
    await server.close();
    await seeder?.close();
    await tracker?.close();
    await recorder.close().catch(() => undefined);
    await api?.close();
    if (typeof reason !== 'string') throw reason;
    return { text: 'server stopped', data: { url: server.url, ...(tracker ? { trackerUrl: tracker.announceUrl } : {}), stopped: reason } };
  },
};
