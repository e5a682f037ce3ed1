/**
 * A private nfs-ganesha (user-space NFSv4 server) for boot tests: its own
 * config, pid, log and recovery folders in a temporary directory, listening
 * on 127.0.0.1 only, NFSv4 only, so it needs neither rpcbind nor the kernel
 * NFS server. QEMU user-mode guests reach it as 10.0.2.2:2049.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, CommandError } from '../../../src/system/runner.js';
import { OperationError, UsageError } from '../../../src/errors/index.js';
import { assertPortsFree, nfsPort } from './ports.js';

/** One exported directory and the path clients mount it as. */
export interface GaneshaExport {
  /** Physical directory on this host. */
  path: string;
  /** Path the clients see, e.g. /diskless/images/nfsimages. */
  pseudo: string;
}

/** Options of {@link startGanesha}. */
export interface GaneshaOptions {
  exports: readonly GaneshaExport[];
  /** Configuration files pulled in with `%include` (e.g. the EXPORT block `disklessset nfs exports --ganesha` writes). */
  includes?: readonly string[];
  /** TCP port on 127.0.0.1 (default 2049: user-mode guests reach only what they dial, and dracut dials 2049). */
  port?: number;
  /** How long to wait for the port to accept connections. */
  startTimeoutMs?: number;
}

/** A running ganesha. */
export interface GaneshaServer {
  port: number;
  /** Folder holding config, log, pid file and recovery state (removed by stop()). */
  stateDir: string;
  configPath: string;
  logPath: string;
  /** Stops ganesha (SIGTERM) and removes its state folder unless `keepState`. */
  stop(keepState?: boolean): Promise<void>;
}

/** Writes the text of a ganesha configuration for `exports` (exported for tests and docs). */
export function ganeshaConfig(exports: readonly GaneshaExport[], port: number, stateDir: string, includes: readonly string[] = []): string {
  for (const file of includes) {
    if (!/^\/[\w./+-]*$/.test(file)) throw new UsageError('E_E2E_EXPORT_PATH', `include file "${file}" must be absolute, without spaces or quotes`);
  }
  for (const entry of exports) {
    for (const value of [entry.path, entry.pseudo]) {
      if (!/^\/[\w./+-]*$/.test(value)) throw new UsageError('E_E2E_EXPORT_PATH', `export path "${value}" must be absolute, without spaces or quotes`);
    }
  }
  const blocks = exports.map((entry, index) => `
EXPORT {
  Export_Id = ${index + 1};
  Path = "${entry.path}";
  Pseudo = "${entry.pseudo}";
  Protocols = 4;
  Transports = TCP;
  Access_Type = RW;
  Squash = No_Root_Squash;
  SecType = sys;
  FSAL { Name = VFS; }
}`);
  return `# disklessset e2e kit: private NFSv4-only ganesha on 127.0.0.1
NFS_CORE_PARAM {
  Bind_Addr = 127.0.0.1;
  NFS_Port = ${port};
  Protocols = 4;
  Enable_NLM = false;
  Enable_RQUOTA = false;
  Enable_UDP = false;
}
NFSV4 {
  # Without these the guest hangs in idmapping after switch_root.
  Only_Numeric_Owners = true;
  Allow_Numeric_Owners = true;
  # A fresh test server has no clients to recover: skip the 90 s grace period.
  Graceless = true;
  RecoveryBackend = fs;
  RecoveryRoot = "${join(stateDir, 'recovery')}";
}
LOG {
  Default_Log_Level = EVENT;
}
${blocks.join('\n')}
${includes.map((file) => `%include "${file}"`).join('\n')}
`;
}

/** Starts ganesha in the foreground (as a child of this process) and waits until its port answers. */
export async function startGanesha(options: GaneshaOptions): Promise<GaneshaServer> {
  if (options.exports.length === 0 && !options.includes?.length) throw new UsageError('E_E2E_NO_EXPORT', 'ganesha needs at least one export');
  const port = options.port ?? 2049;
  // Otherwise an NFS server already there would answer our readiness probe and serve the node.
  await assertPortsFree([nfsPort(port)]);
  const stateDir = await mkdtemp(join(tmpdir(), 'disklessset-e2e-ganesha-'));
  await mkdir(join(stateDir, 'recovery'), { recursive: true });
  const configPath = join(stateDir, 'ganesha.conf');
  const logPath = join(stateDir, 'ganesha.log');
  await writeFile(configPath, ganeshaConfig(options.exports, port, stateDir, options.includes));

  const stopper = new AbortController();
  let exitError: unknown;
  let exited = false;
  const daemon = run(['ganesha.nfsd', '-F', '-f', configPath, '-L', logPath, '-p', join(stateDir, 'ganesha.pid'), '-N', 'NIV_EVENT'],
    { signal: stopper.signal })
    .then(() => undefined, (error: unknown) => { exitError = error; })
    .finally(() => { exited = true; });

  const stop = async (keepState = false) => {
    stopper.abort();
    await daemon;
    if (!keepState) await rm(stateDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  while (!(await portAnswers(port))) {
    if (exited || Date.now() > deadline) {
      const log = await readFile(logPath, 'utf8').catch(() => '');
      await stop(true);
      const why = exitError instanceof CommandError ? exitError.message : exited ? 'ganesha exited' : 'port never answered';
      throw new OperationError('E_E2E_GANESHA_START', `nfs-ganesha did not start on 127.0.0.1:${port} (${why}); state in ${stateDir}`,
        `last log lines:\n${log.trim().split('\n').slice(-10).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return { port, stateDir, configPath, logPath, stop };
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}
