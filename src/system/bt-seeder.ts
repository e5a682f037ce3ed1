/**
 * The BitTorrent seeder `serve --seed` runs beside the file server (issue
 * 17): one aria2c process seeding every published root image that has a
 * torrent, so each boot server is a peer of every swarm. The torrents name
 * no web seeds (see core/image/version-share.ts): the servers take part in a
 * swarm as peers only, and the swarm's choking keeps each of them to a few
 * nodes at a time, the nodes passing pieces on to each other.
 *
 * aria2c is told the file is already complete (`--bt-seed-unverified`: the
 * publication checked it, and versioned files never change), so it hashes
 * nothing at start and never writes into the published file. The set of
 * torrents is read again every few seconds; when it changed (a version
 * published or pruned), aria2c is restarted with the new set: peers lose the
 * server for a moment and find it again at their next announce. The process
 * runs through the runner (no shell), in a process group of its own, is
 * stopped with serve, and stops by itself if serve dies
 * (`--stop-with-process`). aria2c reads its list on stdin: no file to clean.
 */
import { run } from './runner.js';

/** Port aria2c listens on for peers when `--seed-port` is not given (the first of BitTorrent's usual range). */
export const DEFAULT_SEED_PORT = 6881;

/** One torrent to seed: the metainfo file, and the complete file `fileName` in `dir`. */
export interface SeedItem {
  torrentFile: string;
  dir: string;
  fileName: string;
}

/** How the seeder runs. */
export interface SeederOptions {
  /** The torrents to seed now (read at start and at every poll). */
  list(): Promise<SeedItem[]>;
  /** TCP port aria2c listens on for peers. */
  port: number;
  /**
   * Cap on what the seeder sends, all torrents together, in bytes/s (0 or
   * none: no cap). Peers then take most pieces from each other: the server
   * puts each piece into the swarm and the swarm does the copying.
   */
  uploadLimit?: number;
  /** Milliseconds between two reads of the list (default 5000). */
  pollMs?: number;
  /** Lines about the seeder (start, stop, aria2c's warnings). */
  log?: (line: string) => void;
}

/** A running seeder. */
export interface Seeder {
  /** How many torrents the current aria2c seeds (0: none runs). */
  seeding(): number;
  /** Reads the list now and restarts aria2c if it changed; resolves when that is done. */
  refresh(): Promise<void>;
  /** Stops aria2c and the polling; resolves once the process has exited. */
  close(): Promise<void>;
}

/** aria2c's input file: each torrent with its folder and output name (its own options, indented). */
function inputFile(items: readonly SeedItem[]): string {
  return items.map((item) => `${item.torrentFile}\n  dir=${item.dir}\n  index-out=1=${item.fileName}\n`).join('');
}

/** The aria2c command line for `count` torrents (the list itself comes on stdin). */
function seederArgs(options: Pick<SeederOptions, 'port' | 'uploadLimit'>, count: number): string[] {
  return ['aria2c', '--no-conf=true', '--input-file=-', `--max-concurrent-downloads=${Math.max(1, count)}`,
    // Peers come from the tracker only: no DHT, no local discovery on the site network.
    '--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false',
    '--bt-seed-unverified=true', '--check-integrity=false', '--seed-ratio=0.0',
    '--allow-overwrite=false', '--auto-file-renaming=false', '--file-allocation=none',
    `--listen-port=${options.port}`, `--max-overall-upload-limit=${options.uploadLimit ?? 0}`,
    `--stop-with-process=${process.pid}`, '--quiet=true', '--log=-', '--log-level=warn'];
}

/**
 * Starts the seeder: reads the list and runs aria2c when it is not empty.
 * @throws CommandError E_COMMAND_NOT_FOUND when aria2c is not installed.
 */
export async function startSeeder(options: SeederOptions): Promise<Seeder> {
  // Fail at start, not at the first poll, when the program is missing.
  await run(['aria2c', '--version'], { timeoutMs: 10_000 });
  const log = options.log ?? (() => undefined);
  let current: { key: string; count: number; stop: () => Promise<void> } | undefined;
  let closed = false;
  let first = true;
  let busy: Promise<void> = Promise.resolve();

  const launch = (items: SeedItem[], key: string) => {
    const controller = new AbortController();
    const exited = run(seederArgs(options, items.length), {
      signal: controller.signal, input: inputFile(items), allowFailure: true,
      onStdout: (chunk) => { for (const line of chunk.toString().split('\n').filter(Boolean)) log(`seeder: ${line}`); },
    }).then((result) => {
      if (controller.signal.aborted) return;
      log(`seeder: aria2c exited (code ${result.exitCode}); started again at the next poll`);
      if (current?.key === key) current = undefined;
    }, (error: Error) => {
      if (controller.signal.aborted) return;
      log(`seeder: ${error.message}`);
      if (current?.key === key) current = undefined;
    });
    // The first launch is the caller's to announce (serve prints it once); later ones follow new versions.
    if (!first) log(`seeder: seeding ${items.length} root image(s) on port ${options.port}`);
    current = { key, count: items.length, stop: async () => { controller.abort(); await exited; } };
  };

  const apply = async () => {
    const items = await options.list().catch((error: Error) => {
      log(`seeder: cannot list the torrents: ${error.message}`);
      return undefined;
    });
    if (items === undefined || closed) return;
    const key = JSON.stringify(items);
    if (current?.key === key) return;
    await current?.stop();
    current = undefined;
    if (items.length > 0) launch(items, key);
  };
  // One change at a time: a poll never overlaps a restart or the close.
  const serialised = (step: () => Promise<void>) => { busy = busy.then(step, step); return busy; };

  await serialised(apply);
  first = false;
  const timer = setInterval(() => { void serialised(apply); }, options.pollMs ?? 5000);
  timer.unref();
  return {
    seeding: () => current?.count ?? 0,
    refresh: () => serialised(apply),
    close: async () => {
      closed = true;
      clearInterval(timer);
      await serialised(async () => {
        await current?.stop();
        current = undefined;
      });
    },
  };
}
