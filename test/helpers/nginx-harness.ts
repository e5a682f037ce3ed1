/**
 * Runs the real nginx (/usr/sbin/nginx) in the foreground on a loopback port
 * with a throw-away configuration that includes a snippet from
 * renderHttpConfig. Used by the nginx snippet test and the boot-storm bench.
 * Everything nginx writes (pid, logs, temp folders) stays in `workDir`.
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { run } from '../../src/system/runner.js';

/** A running nginx. */
export interface NginxProcess {
  /** Process id of the nginx master. */
  masterPid: number;
  /** Stops nginx and waits for it to exit. */
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts nginx with `snippet` inside its http block and resolves once `port`
 * accepts connections. `workDir` (and the served tree) must be readable by
 * the unprivileged worker user, as nginx drops root for its workers.
 */
export async function startNginx(options: {
  workDir: string; snippet: string; port: number; workerProcesses?: number | 'auto';
}): Promise<NginxProcess> {
  const { workDir } = options;
  const temp = (name: string) => `${name}_temp_path ${join(workDir, name)};`;
  await writeFile(join(workDir, 'disklessset.conf'), options.snippet);
  await writeFile(join(workDir, 'nginx.conf'), [
    'daemon off;',
    `worker_processes ${options.workerProcesses ?? 'auto'};`,
    `pid ${join(workDir, 'nginx.pid')};`,
    `error_log ${join(workDir, 'error.log')} warn;`,
    'events { worker_connections 4096; }',
    'http {',
    '  access_log off;',
    `  ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}`,
    `  include ${join(workDir, 'disklessset.conf')};`,
    '}',
    '',
  ].join('\n'));
  await chmod(workDir, 0o755);
  const controller = new AbortController();
  let failure: unknown;
  const exited = run(['/usr/sbin/nginx', '-p', workDir, '-e', join(workDir, 'error.log'), '-c', join(workDir, 'nginx.conf')],
    { signal: controller.signal }).catch((error: unknown) => { failure = error; });
  // nginx listens before it writes its pid file: both are waited for (reading the pid as soon as the port answered once failed under load).
  const pidFile = join(workDir, 'nginx.pid');
  const ready = async () => (await accepts(options.port)) && (await readFile(pidFile, 'utf8').catch(() => '')).trim() !== '';
  for (let attempt = 0; !(await ready()); attempt += 1) {
    if (failure !== undefined || attempt > 200) {
      controller.abort();
      await exited;
      const log = await readFile(join(workDir, 'error.log'), 'utf8').catch(() => '');
      throw new Error(`nginx did not start: ${String(failure)} ${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const masterPid = Number((await readFile(pidFile, 'utf8')).trim());
  return {
    masterPid,
    stop: async () => {
      controller.abort();
      await exited;
    },
  };
}
