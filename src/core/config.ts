/**
 * The optional config file `<root>/etc/diskless/diskless.yml`. Everything in it
 * has a default, so a missing file is a valid configuration.
 */
import { isIP } from 'node:net';
import { parseYamlText } from './yaml-text.js';
import { UsageError } from '../errors/index.js';
import { checkPathPlacement, normaliseConfiguredPath } from './config-paths.js';
import { PATH_KEYS, Paths, type PathKey } from './paths.js';
import { readTextIfExists } from './state/atomic-file.js';
import { checkDracutArgs } from '../system/dracut-args.js';

/** Parsed configuration. */
export interface DisklessConfig {
  /** Single-path overrides (logical paths, relocated under the root prefix). */
  paths: Partial<Record<PathKey, string>>;
  /** Extra arguments appended to every dracut run. */
  dracutExtraArgs: string[];
  /** Options of the NFS export lines (the original used rw,no_root_squash,sync). */
  nfsExportOptions: string;
  /** Clients allowed by the NFS export lines. */
  nfsExportClients: string;
  /** Console used by boot files when the site sets no `eq-console`. */
  defaultConsole: string;
  /** Address (or host name) of the boot server as nodes reach it, for overlay templates (`server.address`); null when unset. */
  serverAddress: string | null;
  /** How many versions of each image are kept (the current one and versions nodes are pinned to are kept besides). */
  versionsKept: number;
  /** Tracker announce URL written into root image torrents (`p2p_tracker_url`); null: derived from `serverAddress`, if any. */
  p2pTrackerUrl: string | null;
  /** Seconds a peer-to-peer node keeps seeding after boot (`p2p_seed_seconds`, kernel argument `diskless.p2p.seed`). */
  p2pSeedSeconds: number;
}

export const DEFAULT_CONFIG: DisklessConfig = {
  paths: {},
  dracutExtraArgs: [],
  nfsExportOptions: 'rw,no_root_squash,sync',
  nfsExportClients: '*',
  defaultConsole: 'console=tty0 console=ttyS0,115200',
  serverAddress: null,
  versionsKept: 3,
  p2pTrackerUrl: null,
  p2pSeedSeconds: 300,
};

/** Longest seeding time after boot a site may set (one day). */
export const MAX_SEED_SECONDS = 86400;

function configProblem(file: string, what: string): UsageError {
  return new UsageError('E_CONFIG_INVALID', `invalid config file ${file}: ${what}`, 'fix or remove the file');
}

/**
 * Whether `value` is one host name (labels of letters, digits and `-`) or one
 * IP address (IPv6 without brackets or zone). Templates write it into node
 * files and the tracker URL is `http://HOST:6969/announce`: a port
 * (`10.0.0.1:80`) made that URL invalid in every torrent, so colons are only
 * taken as part of an IPv6 address.
 */
function isServerAddress(value: string): boolean {
  if (value.length > 253) return false;
  if (isIP(value) !== 0) return !value.includes('%');
  return /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(value);
}

/**
 * A tracker announce URL as torrents carry it: http (the tracker `serve
 * --tracker` runs answers HTTP announces only), a host, no credentials
 * (torrents are served to anyone), nothing a kernel command line or a shell
 * word would split.
 */
function checkTrackerUrl(value: unknown, file: string): string {
  const problem = configProblem(file, '"p2p_tracker_url" must be an http URL of a tracker, e.g. http://10.0.0.1:6969/announce');
  if (typeof value !== 'string' || value.length > 256 || /[\s"'\\$,]/.test(value)) throw problem;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw problem;
  }
  if (url.protocol !== 'http:' || url.hostname === '' || url.port === '0' || url.username !== '' || url.password !== '' || url.hash !== '') throw problem;
  return url.href;
}

/**
 * Validates a parsed config document (`null`: an empty file, the defaults).
 * @throws UsageError E_CONFIG_INVALID naming `file` and the first problem (unknown key, wrong type).
 */
export function parseConfig(document: unknown, file: string): DisklessConfig {
  if (document === null || document === undefined) return { ...DEFAULT_CONFIG };
  if (typeof document !== 'object' || Array.isArray(document)) throw configProblem(file, 'top level must be a mapping');
  const raw = document as Record<string, unknown>;
  const config: DisklessConfig = { ...DEFAULT_CONFIG, paths: {} };
  const known = new Set(['paths', 'dracut_extra_args', 'nfs_export_options', 'nfs_export_clients', 'default_console', 'server_address', 'versions_kept',
    'p2p_tracker_url', 'p2p_seed_seconds']);
  for (const key of Object.keys(raw)) if (!known.has(key)) throw configProblem(file, `unknown key ${JSON.stringify(key)}`);
  if (raw.paths !== undefined) {
    if (typeof raw.paths !== 'object' || raw.paths === null) throw configProblem(file, '"paths" must be a mapping');
    for (const [key, value] of Object.entries(raw.paths)) {
      if (!(PATH_KEYS as readonly string[]).includes(key)) {
        throw configProblem(file, `unknown path ${JSON.stringify(key)} (known: ${PATH_KEYS.join(', ')})`);
      }
      config.paths[key as PathKey] = normaliseConfiguredPath(key, value, file);
    }
  }
  if (raw.dracut_extra_args !== undefined) {
    if (!Array.isArray(raw.dracut_extra_args) || !raw.dracut_extra_args.every((a) => typeof a === 'string')) {
      throw configProblem(file, '"dracut_extra_args" must be a list of strings');
    }
    checkDracutArgs(raw.dracut_extra_args as string[], `dracut_extra_args of ${file}`);
    config.dracutExtraArgs = raw.dracut_extra_args as string[];
  }
  for (const [key, field] of [['nfs_export_options', 'nfsExportOptions'], ['nfs_export_clients', 'nfsExportClients'],
    ['default_console', 'defaultConsole']] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw configProblem(file, `"${key}" must be a string`);
    config[field] = value;
  }
  if (raw.server_address !== undefined && raw.server_address !== null) {
    const value = raw.server_address;
    if (typeof value !== 'string' || !isServerAddress(value)) {
      throw configProblem(file, '"server_address" must be a host name or an IP address, without a port, e.g. 10.0.0.1 or fd00::1');
    }
    config.serverAddress = value;
  }
  if (raw.versions_kept !== undefined) {
    const value = raw.versions_kept;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 100) {
      throw configProblem(file, '"versions_kept" must be a whole number from 1 to 100, e.g. 3');
    }
    config.versionsKept = value;
  }
  if (raw.p2p_tracker_url !== undefined && raw.p2p_tracker_url !== null) config.p2pTrackerUrl = checkTrackerUrl(raw.p2p_tracker_url, file);
  if (raw.p2p_seed_seconds !== undefined) {
    const value = raw.p2p_seed_seconds;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_SEED_SECONDS) {
      throw configProblem(file, `"p2p_seed_seconds" must be a whole number of seconds from 0 to ${MAX_SEED_SECONDS}, e.g. 300`);
    }
    config.p2pSeedSeconds = value;
  }
  return config;
}

/**
 * Reads the config file of a root prefix; a missing file gives the defaults.
 * Every location (configured or default) is checked against the root prefix
 * and the HTTP root before anything uses it.
 * @throws UsageError E_CONFIG_INVALID or an E_CONFIG_PATH_* code (see config-paths.ts).
 */
export async function loadConfig(root: string): Promise<DisklessConfig> {
  const file = Paths.configFile(root);
  const text = await readTextIfExists(file);
  let config: DisklessConfig;
  try {
    config = text === undefined ? { ...DEFAULT_CONFIG } : parseConfig(parseYamlText(text), file);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw configProblem(file, (error as Error).message.split('\n')[0] ?? 'unreadable YAML');
  }
  checkPathPlacement(root, config.paths, file);
  return config;
}
