/**
 * Simulated nodes on one machine: a Linux bridge and one network namespace
 * per node, each joined to the bridge by a veth pair, with addresses in a
 * private /24 that exists only on this bridge. The host keeps `.1` on the
 * bridge, so a server started on the host (in the root namespace) is what
 * the nodes reach at that address.
 *
 * Every name starts with `dlb<pid>` (bridge `dlb<pid>br`, namespaces
 * `dlb<pid>n<i>`, host ends of the veth pairs `dlb<pid>h<i>`: 15 characters
 * at most, the limit of an interface name). The pid is the owner's, so
 * {@link cleanLeftovers} can tell what a killed earlier run left behind
 * (its pid is gone) from what a live run is using.
 *
 * Bytes are read from the host side: the bridge device's own `tx_bytes` is
 * what the host's stack (the servers on the host) sent to the nodes, and the
 * `tx_bytes` of a node's host-side veth is what that node received, from the
 * host and from its peers alike. Both count whole frames (headers included).
 *
 * Needs root and `ip` (iproute2). Every command goes through the runner.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { run, type RunOptions, type RunResult } from '../src/system/runner.js';

/** One simulated node. */
export interface SimNode {
  /** 0-based number. */
  index: number;
  /** Its network namespace. */
  namespace: string;
  /** Its IPv4 address on the bridge. */
  address: string;
  /** The host end of its veth pair (on the bridge). */
  hostVeth: string;
}

/** Byte counters read from the host side. */
export interface Counters {
  /** Sent by the host's stack into the bridge (the servers running on the host). */
  hostSent: number;
  /** Received by each node, in node order. */
  nodeReceived: number[];
  /** Sent by each node (to the host and to its peers), in node order. */
  nodeSent: number[];
}

/** A bridge with its nodes; {@link NetnsHarness.cleanup} removes all of it. */
export interface NetnsHarness {
  /** Common start of every name (`dlb<pid>`). */
  prefix: string;
  bridge: string;
  /** The host's address on the bridge. */
  hostAddress: string;
  nodes: SimNode[];
  /** Runs `argv` inside the node's namespace (`ip netns exec`), through the runner. */
  exec(node: SimNode, argv: string[], options?: RunOptions): Promise<RunResult>;
  /** Current byte counters (subtract two readings for one phase). */
  counters(): Promise<Counters>;
  /** Kills every process left in the nodes' namespaces. */
  killAll(): Promise<void>;
  /** Kills what runs in the namespaces, deletes them and the bridge. Never throws. */
  cleanup(): Promise<void>;
}

const NAME = /^dlb(\d+)(?:br|n\d+|h\d+)$/;
const IP_TIMEOUT_MS = 20_000;

function ip(args: string[], allowFailure = false): Promise<RunResult> {
  return run(['ip', ...args], { timeoutMs: IP_TIMEOUT_MS, allowFailure });
}

/** Names of the namespaces and interfaces that follow the naming scheme above. */
async function existingNames(): Promise<{ namespaces: string[]; links: string[] }> {
  const netns = await ip(['netns', 'list'], true);
  const namespaces = netns.stdout.split('\n').map((line) => line.split(' ')[0] ?? '').filter((name) => NAME.test(name));
  const links = await ip(['-o', 'link', 'show'], true);
  const linkNames = links.stdout.split('\n')
    .map((line) => /^\d+:\s+([^:@\s]+)/.exec(line)?.[1] ?? '')
    .filter((name) => NAME.test(name));
  return { namespaces, links: linkNames };
}

async function killNamespace(namespace: string): Promise<void> {
  const pids = await ip(['netns', 'pids', namespace], true);
  for (const pid of pids.stdout.split(/\s+/).filter(Boolean).map(Number)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch { /* gone already */ }
  }
}

async function removeNames(namespaces: string[], links: string[]): Promise<void> {
  for (const namespace of namespaces) await killNamespace(namespace);
  // Deleting a host-side veth deletes its peer too; the bridge goes last.
  for (const link of [...links].sort((a, b) => Number(a.endsWith('br')) - Number(b.endsWith('br')))) {
    await ip(['link', 'del', link], true);
  }
  for (const namespace of namespaces) await ip(['netns', 'del', namespace], true);
}

/**
 * Removes the namespaces and interfaces of earlier runs that were killed
 * before their own cleanup (their owner pid no longer exists).
 * @returns the names removed.
 */
export async function cleanLeftovers(): Promise<string[]> {
  const dead = (name: string) => !existsSync(`/proc/${NAME.exec(name)?.[1] ?? ''}`);
  const { namespaces, links } = await existingNames();
  const oldNamespaces = namespaces.filter(dead);
  const oldLinks = links.filter(dead);
  await removeNames(oldNamespaces, oldLinks);
  return [...oldNamespaces, ...oldLinks];
}

/** Every namespace and interface of the scheme owned by `pid` that exists now. */
export async function namesOf(pid: number): Promise<string[]> {
  const { namespaces, links } = await existingNames();
  return [...namespaces, ...links].filter((name) => NAME.exec(name)?.[1] === String(pid));
}

async function readCounter(device: string, counter: 'tx_bytes' | 'rx_bytes'): Promise<number> {
  return Number((await readFile(`/sys/class/net/${device}/statistics/${counter}`, 'utf8')).trim());
}

/** What {@link createHarness} makes. */
export interface HarnessOptions {
  /** Number of namespaces. */
  count: number;
  /** First three octets of the /24 (`10.77.0`). */
  subnet: string;
  /** Rate of the host's link into the bridge (what its servers can send), Mbit/s; none: unlimited. */
  hostLinkMbit?: number;
}

/**
 * Creates the bridge and `count` nodes. `subnet` is the first three octets
 * of a /24 used by nobody else on this machine (e.g. `10.77.0`); nodes get
 * `.2` onwards. On failure, what was made is removed before the error is thrown.
 * @throws CommandError when `ip` fails (not root, no veth support...).
 */
export async function createHarness(options: HarnessOptions): Promise<NetnsHarness> {
  if (options.count < 1 || options.count > 250) throw new Error(`${options.count} nodes: from 1 to 250 fit in a /24`);
  const prefix = `dlb${process.pid}`;
  const bridge = `${prefix}br`;
  const hostAddress = `${options.subnet}.1`;
  const nodes: SimNode[] = Array.from({ length: options.count }, (_, index) => ({
    index, namespace: `${prefix}n${index}`, address: `${options.subnet}.${index + 2}`, hostVeth: `${prefix}h${index}`,
  }));
  const cleanup = async () => {
    const names = await namesOf(process.pid).catch(() => []);
    await removeNames(names.filter((name) => /n\d+$/.test(name)), names.filter((name) => !/n\d+$/.test(name))).catch(() => undefined);
  };
  try {
    await ip(['link', 'add', bridge, 'type', 'bridge']);
    await ip(['addr', 'add', `${hostAddress}/24`, 'dev', bridge]);
    await ip(['link', 'set', bridge, 'up']);
    if (options.hostLinkMbit) {
      // A token bucket on the bridge device shapes what the host sends to the nodes, and only that:
      // traffic between nodes is switched from port to port without passing it. The burst is a few
      // milliseconds' worth, above what one timer tick lets through at that rate.
      const burst = Math.max(64 * 1024, Math.round((options.hostLinkMbit * 1e6) / 8 / 100));
      await run(['tc', 'qdisc', 'add', 'dev', bridge, 'root', 'tbf', 'rate', `${options.hostLinkMbit}mbit`, 'burst', String(burst), 'latency', '100ms'],
        { timeoutMs: IP_TIMEOUT_MS });
    }
    for (const node of nodes) {
      await ip(['netns', 'add', node.namespace]);
      await ip(['link', 'add', node.hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', node.namespace]);
      await ip(['link', 'set', node.hostVeth, 'master', bridge, 'up']);
      await ip(['-n', node.namespace, 'addr', 'add', `${node.address}/24`, 'dev', 'eth0']);
      await ip(['-n', node.namespace, 'link', 'set', 'eth0', 'up']);
      await ip(['-n', node.namespace, 'link', 'set', 'lo', 'up']);
    }
  } catch (error) {
    await cleanup();
    throw error;
  }
  return {
    prefix, bridge, hostAddress, nodes,
    exec: (node, argv, runOptions) => run(['ip', 'netns', 'exec', node.namespace, ...argv], runOptions),
    counters: async () => ({
      hostSent: await readCounter(bridge, 'tx_bytes'),
      nodeReceived: await Promise.all(nodes.map((node) => readCounter(node.hostVeth, 'tx_bytes'))),
      // What the node sends, the host end of its pair receives.
      nodeSent: await Promise.all(nodes.map((node) => readCounter(node.hostVeth, 'rx_bytes'))),
    }),
    killAll: async () => { for (const node of nodes) await killNamespace(node.namespace); },
    cleanup,
  };
}

/**
 * Runs `action` with a harness that is removed afterwards, whatever happens:
 * on return, on a throw, and on SIGINT, SIGTERM or SIGHUP (then the process
 * exits with 128 + the signal's number). Leftovers of killed earlier runs
 * are removed first.
 */
export async function withHarness<T>(options: HarnessOptions, action: (harness: NetnsHarness) => Promise<T>): Promise<T> {
  await cleanLeftovers();
  const harness = await createHarness(options);
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGHUP: 1, SIGTERM: 15 };
  const onSignal = (signal: NodeJS.Signals) => {
    void harness.cleanup().finally(() => process.exit(128 + (numbers[signal] ?? 0)));
  };
  for (const signal of Object.keys(numbers) as NodeJS.Signals[]) process.on(signal, onSignal);
  try {
    return await action(harness);
  } finally {
    for (const signal of Object.keys(numbers) as NodeJS.Signals[]) process.off(signal, onSignal);
    await harness.cleanup();
  }
}
