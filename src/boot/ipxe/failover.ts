/**
 * Boot server failover in iPXE text. A node whose inventory entry names boot
 * servers gets a node script that lists their base URLs in numbered
 * variables (`diskless-server0`, `diskless-server1`, ... up to the first
 * unset one) and chains its image's boot file from each in turn; the image
 * boot files (shared by every node of the image) then fetch each stage
 * (kernel, initramfs, overlay archive) from the first server that answers,
 * looping over the numbered variables (iPXE expands `${diskless-server${i}}`
 * from the inside out and `inc` counts). A node without servers sets none of
 * them, and the boot file takes the path it always took: `${next-server}`.
 */
import { ipxeWord } from './quote.js';
import { OVERLAY_INITRD, OVERLAY_VARIABLE } from './urls.js';

/** Prefix of the numbered server variables (`diskless-server0` ...): a base URL each, without a trailing `/`. */
export const SERVER_VARIABLE = 'diskless-server';
/** Counter of the failover loops (an `int32` setting, so `inc` counts). */
export const SERVER_INDEX_VARIABLE = 'diskless-try';
/** Path and query of the node's overlay archive, appended to each server's URL in turn. */
export const OVERLAY_PATH_VARIABLE = 'diskless-overlay-path';
/** Kernel argument listing the node's servers (comma-separated base URLs), for the initramfs' own fetches. */
export const SERVERS_KERNEL_ARGUMENT = 'diskless.servers';

/** The base URL of the server a failover loop is trying (expanded on the node). */
export const CURRENT_SERVER = `\${${SERVER_VARIABLE}\${${SERVER_INDEX_VARIABLE}}}`;

/** How every URL of the scripts starts (see urls.ts): a server's base URL replaces this part. */
export const NEXT_SERVER = 'http://${next-server}';

/** `url` (one of urls.ts, starting with `http://${next-server}`) on the server of base URL `base`. */
export function onServer(url: string, base: string): string {
  if (!url.startsWith(NEXT_SERVER)) throw new Error(`not a boot URL: ${url}`);
  return `${base}${url.slice(NEXT_SERVER.length)}`;
}

/** Labels of the boot files' failover sections. */
const FAILOVER_LABEL = 'diskless_failover';
const ONE_SERVER_LABEL = 'diskless_one_server';
const FETCHED_LABEL = 'diskless_fetched';
const FAILED_LABEL = 'diskless_servers_failed';

/**
 * Node script lines naming the servers (base URLs, checked as iPXE words):
 * one numbered variable each, and the next number cleared so that a longer
 * list left by an earlier script in the same iPXE session ends here.
 * @throws UsageError `E_IPXE_VALUE` when a URL could not stand in a script.
 */
export function serverListLines(servers: readonly string[]): string[] {
  return [
    '# Boot servers, in order of preference: each stage falls back to the next one.',
    ...servers.map((url, index) => `set ${SERVER_VARIABLE}${index} ${ipxeWord(url, 'boot server URL')}`),
    `clear ${SERVER_VARIABLE}${servers.length}`,
  ];
}

/** The `diskless.servers=` kernel argument of a server list (URLs already checked: no comma, no space). */
export function serversKernelArgument(servers: readonly string[]): string {
  return `${SERVERS_KERNEL_ARGUMENT}=${servers.join(',')}`;
}

/**
 * A node script's fetch of its image boot file: from each server in turn
 * (`url(base)` gives the file's URL on a server), then a message and exit.
 */
export function chainLines(servers: readonly string[], url: (base: string) => string): string[] {
  return [
    `${servers.map((base) => `chain ${url(base)}`).join(' || ')} || goto ${FAILED_LABEL}`,
    // A boot file that returns without booting (a demo image) ends here, as with one server: not a failure.
    'exit 0',
    `:${FAILED_LABEL}`,
    ...failedLines('the image boot file'),
  ];
}

function failedLines(what: string): string[] {
  return [
    // No quote or backquote: plain words read the same in every iPXE version.
    `echo Could not fetch ${what} from any boot server of this node: check them with disklessset server list.`,
    'prompt --timeout 30000 Press a key to return || exit 1',
    'exit 1',
  ];
}

/** One stage of a boot file's failover: `command(base)` tried against each server in turn, from the first. */
function stageLines(label: string, command: (base: string) => string, failedLabel: string): string[] {
  return [
    `set ${SERVER_INDEX_VARIABLE}:int32 0`,
    `:${label}`,
    `isset ${CURRENT_SERVER} || goto ${failedLabel}`,
    `${command(CURRENT_SERVER)} || goto ${label}_next`,
    `goto ${label}_done`,
    `:${label}_next`,
    `inc ${SERVER_INDEX_VARIABLE}`,
    `goto ${label}`,
    `:${label}_done`,
  ];
}

/**
 * Boot file lines placed just before its single-server `kernel` line: a node
 * script that named servers sends the boot to the failover section (at the
 * end of the file, {@link failoverSection}); otherwise the single-server
 * lines run as they always did.
 */
export const FAILOVER_SWITCH_LINES: readonly string[] = [
  `isset \${${SERVER_VARIABLE}0} && goto ${FAILOVER_LABEL} || goto ${ONE_SERVER_LABEL}`,
  `:${ONE_SERVER_LABEL}`,
];

/** The label line placed after the single-server fetches, before the overlay lines (urls.ts OVERLAY_LINES) both paths share. */
export const FETCHED_LINE = `:${FETCHED_LABEL}`;

/** What the failover section of an image boot file fetches. */
export interface FailoverStages {
  /** The `kernel ...` line with `base` as the server's base URL. */
  kernel: (base: string) => string;
  /** The `initrd ...` line of the image's initramfs with `base` as the server's base URL. */
  initramfs: (base: string) => string;
}

/**
 * Boot file lines placed after its `boot`: the kernel, the initramfs and the
 * node's overlay archive, each from the first server that answers, then back
 * to the shared `boot` (through the overlay lines' `overlay_done` label); a
 * stage no server answers ends with a message.
 */
export function failoverSection(stages: FailoverStages): string[] {
  return [
    `:${FAILOVER_LABEL}`,
    ...stageLines('diskless_kernel', stages.kernel, FAILED_LABEL),
    ...stageLines('diskless_initramfs', stages.initramfs, FAILED_LABEL),
    `isset \${${OVERLAY_VARIABLE}} || goto overlay_done`,
    // A node script without the overlay path names one URL: the shared overlay lines load it.
    `isset \${${OVERLAY_PATH_VARIABLE}} || goto ${FETCHED_LABEL}`,
    ...stageLines('diskless_overlay', (base) => `initrd --name ${OVERLAY_INITRD} ${base}\${${OVERLAY_PATH_VARIABLE}}`, 'overlay_failed'),
    'goto overlay_done',
    `:${FAILED_LABEL}`,
    ...failedLines('the kernel or the initramfs'),
  ];
}
