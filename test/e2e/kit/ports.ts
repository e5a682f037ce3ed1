/**
 * The fixed ports the boot tests need (80: iPXE's `${next-server}` URLs
 * carry no port; 2049: dracut's NFS root dials it), checked before anything
 * is started, so a taken port fails the run at once with its holder named
 * instead of surfacing as a boot that never finishes.
 */
import { createServer } from 'node:net';
import { ConflictError } from '../../../src/errors/index.js';
import { run } from '../../../src/system/runner.js';
import { leasePort } from './port-lease.js';

/** A port a test needs, and what to say when it is taken. */
export interface NeededPort {
  port: number;
  /** Who needs it, e.g. "HTTP (disklessset serve)". */
  role: string;
  /** Error code when taken (e.g. E_E2E_HTTP_PORT_BUSY). */
  code: string;
  /** How to free it. */
  hint: string;
}

/** The HTTP port of the boot tests (see cli-server.ts). */
export function httpPort(port = 80): NeededPort {
  return { port, role: 'HTTP (disklessset serve)', code: 'E_E2E_HTTP_PORT_BUSY',
    hint: "iPXE's ${next-server} URLs carry no port: stop that server (or the other test run) and retry" };
}

/** The NFS port of the boot tests (see ganesha.ts). */
export function nfsPort(port = 2049): NeededPort {
  return { port, role: 'NFS (nfs-ganesha)', code: 'E_E2E_NFS_PORT_BUSY',
    hint: 'stop that NFS server (or the other test run), or pass another port (the node then needs port=<n> in its nfs4 root options)' };
}

/** Whether 127.0.0.1:`port` can be listened on now (a server on 0.0.0.0 or 127.0.0.1 makes it busy). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** Who listens on a TCP port (from `ss`), for the message when it is taken. */
export async function portHolder(port: number): Promise<string> {
  const result = await run(['ss', '-H', '-ltnp', `sport = :${port}`], { allowFailure: true, timeoutMs: 10_000 }).catch(() => undefined);
  const users = result?.stdout.match(/users:\(\(.*\)\)/g);
  return users ? users.join(' ') : 'an unknown process';
}

/**
 * Throws when `needed` is taken; the caller holds the port's lease.
 * @throws ConflictError with the port's code, naming the port and its holder.
 */
export async function assertLeasedPortFree(needed: NeededPort): Promise<void> {
  if (await portIsFree(needed.port)) return;
  throw new ConflictError(needed.code, `127.0.0.1:${needed.port}, needed for ${needed.role}, is taken by ${await portHolder(needed.port)}`,
    needed.hint);
}

/**
 * Throws for the first taken port of `ports`, each checked under its lease
 * (port-lease.ts): the other boot test file's server is a wait, not a conflict.
 * @throws ConflictError with the port's code, naming the port and its holder.
 */
export async function assertPortsFree(ports: readonly NeededPort[]): Promise<void> {
  for (const needed of ports) {
    const release = await leasePort(needed.port);
    try {
      await assertLeasedPortFree(needed);
    } finally {
      await release();
    }
  }
}
