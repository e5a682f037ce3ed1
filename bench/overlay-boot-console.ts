/**
 * Reading one node's serial console for bench/overlay-boot.ts: every line
 * with the host time (since power-on) at which it first showed in the log,
 * and the phases of the boot read from the guest kernel's own `[ 12.345678]`
 * timestamps (`printk.time=1`; systemd's messages reach the console through
 * the kernel log with `systemd.log_target=kmsg`, so they carry them too).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SerialTail } from '../test/e2e/kit/serial-tail.js';

/** A console line and when the host first saw it complete. */
export interface SeenLine {
  /** Milliseconds since QEMU was started. */
  atMs: number;
  text: string;
}

/** Where a boot spent its time, from one console (undefined: the line was not seen). */
export interface BootPhases {
  /** Guest kernel start on the host's clock, ms since power-on: firmware, iPXE and its downloads come before it. */
  kernelStartHostMs?: number;
  /** Guest uptime (s) when the kernel ran the initramfs's first program. */
  initS?: number;
  /** Guest seconds from the kernel's "Trying to unpack rootfs" to "Freeing initrd memory" (every initrd, the overlay's included). */
  unpackS?: number;
  /** Guest seconds of dracut's pre-pivot service (where the overlay is copied into the new root). */
  prePivotS?: number;
  /** Guest uptime (s) when the initramfs's systemd switched to the new root. */
  switchRootS?: number;
  /**
   * Guest uptime (s) when systemd started the marker service (multi-user
   * reached): the in-guest figure. Not its end: QEMU is stopped once the
   * marker shows, often before systemd logs that the service finished.
   */
  markerS?: number;
  /** Kernel reports of a starved guest (RCU stalls, soft lockups): a host too busy to run the vCPUs for seconds on end. */
  stalls: number;
  /** systemd's own "Startup finished in ..." sentence. */
  startupFinished?: string;
}

/**
 * Follows a QEMU serial log by polling it (every `intervalMs`): a line
 * counts once its newline came, and gets the time of the poll that read it,
 * so host times are late by at most one interval.
 */
export class TimedSerial {
  readonly lines: SeenLine[] = [];
  private readonly tail: SerialTail;
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(path: string, private readonly startedAt: number, private readonly intervalMs = 200) {
    this.tail = new SerialTail(path);
  }

  /** Starts polling; {@link stop} ends it. */
  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        await this.readNew();
        await sleep(this.intervalMs);
      }
      await this.readNew();
    })();
  }

  /** Stops polling after one last read. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async readNew(): Promise<void> {
    const parts = await this.tail.newLines();
    if (!parts) return; // QEMU has not made the file yet
    const atMs = Date.now() - this.startedAt;
    // Lines end in \r\n, and a redrawn line holds \r: keep what it finally says, without systemd's colour escapes.
    // eslint-disable-next-line no-control-regex
    for (const raw of parts) this.lines.push({ atMs, text: (raw.split('\r').filter(Boolean).at(-1) ?? '').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '') });
  }
}

const STAMP = /\[\s*(\d+\.\d+)\]\s?(.*)$/;

/** The kernel timestamp (s) of the first line holding `text`. */
function stampOf(lines: readonly SeenLine[], text: string | RegExp): number | undefined {
  for (const line of lines) {
    const match = STAMP.exec(line.text);
    if (match && (typeof text === 'string' ? match[2]!.includes(text) : text.test(match[2]!))) return Number(match[1]);
  }
  return undefined;
}

/** Difference of two stamps, when both were seen. */
function span(from: number | undefined, to: number | undefined): number | undefined {
  return from === undefined || to === undefined ? undefined : to - from;
}

/**
 * The phases of one boot (see {@link BootPhases}). Kernel start on the host
 * clock: for every timestamped line, host time seen minus guest time logged;
 * the smallest is the tightest (a line shows after it is logged, never
 * before), and under TCG the guest clock follows the host's.
 */
export function bootPhases(lines: readonly SeenLine[]): BootPhases {
  let kernelStartHostMs: number | undefined;
  for (const line of lines) {
    const match = STAMP.exec(line.text);
    if (!match) continue;
    const offset = line.atMs - Number(match[1]) * 1000;
    if (kernelStartHostMs === undefined || offset < kernelStartHostMs) kernelStartHostMs = offset;
  }
  const startup = lines.map((line) => /Startup finished in (.*)$/.exec(line.text)?.[1]).find(Boolean);
  return {
    kernelStartHostMs,
    initS: stampOf(lines, 'Run /init as init process'),
    unpackS: span(stampOf(lines, 'Trying to unpack rootfs'), stampOf(lines, 'Freeing initrd memory')),
    prePivotS: span(stampOf(lines, /Starting dracut-pre-pivot\.service/), stampOf(lines, /Finished dracut-pre-pivot\.service/)),
    switchRootS: stampOf(lines, 'Switching root.'),
    markerS: stampOf(lines, /Starting disklessset-e2e-marker\.service/),
    stalls: lines.filter((line) => /rcu: INFO: rcu_\w+ detected stalls|soft lockup - CPU#/.test(line.text)).length,
    startupFinished: startup?.replace(/\.$/, ''),
  };
}

/** The median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
