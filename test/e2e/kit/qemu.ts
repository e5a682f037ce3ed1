/**
 * Boots one QEMU node from the network (iPXE via QEMU's default NIC ROM, under
 * SeaBIOS or under UEFI with OVMF: see firmware.ts; or a direct kernel +
 * initrd) on user-mode networking, and waits for a marker line on its serial
 * console. In user-mode networking the guest reaches the host's 127.0.0.1 as
 * 10.0.2.2, which QEMU's DHCP also hands out as next-server.
 */
import { access, constants, readFile } from 'node:fs/promises';
import { run, CommandError } from '../../../src/system/runner.js';
import { OperationError, UsageError } from '../../../src/errors/index.js';
import { SerialTail } from './serial-tail.js';
import { prepareUefiVars, uefiFirmwareArgs, type Firmware } from './firmware.js';

/** Accelerator chosen for QEMU and why. */
export interface AccelChoice {
  accel: 'tcg' | 'kvm';
  reason: string;
}

/**
 * Chooses the accelerator. TCG unless DISKLESS_E2E_ACCEL says otherwise:
 * on the cloud machines we run on, /dev/kvm is a nested paravirtual KVM in
 * which guests hang after "Probing EDD", so KVM is opt-in only.
 */
export async function detectAccel(env: NodeJS.ProcessEnv = process.env): Promise<AccelChoice> {
  const forced = env.DISKLESS_E2E_ACCEL;
  if (forced === 'tcg' || forced === 'kvm') return { accel: forced, reason: `DISKLESS_E2E_ACCEL=${forced}` };
  if (forced) throw new UsageError('E_E2E_ACCEL', `DISKLESS_E2E_ACCEL must be tcg or kvm, not "${forced}"`);
  try {
    await access('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return { accel: 'tcg', reason: '/dev/kvm is missing or not accessible' };
  }
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const nested = /^flags\s*:.*\bhypervisor\b/m.test(cpuinfo);
  return {
    accel: 'tcg',
    reason: nested
      ? '/dev/kvm is a nested KVM inside a virtual machine (guests hang there); set DISKLESS_E2E_ACCEL=kvm to try it anyway'
      : '/dev/kvm is usable but TCG is the tested default; set DISKLESS_E2E_ACCEL=kvm to use it',
  };
}

/** A kernel booted directly by QEMU instead of through iPXE. */
export interface DirectKernel {
  kernel: string;
  initrd: string;
  append: string;
}

/** Options of {@link bootNode}. Give exactly one of `bootUrl` and `direct`. */
export interface BootNodeOptions {
  /** Node name: QEMU's DHCP hands it to the guest as its host name. */
  name: string;
  /** URL iPXE fetches first (QEMU DHCP `bootfile`), e.g. http://10.0.2.2/boot.ipxe. */
  bootUrl?: string;
  /** Direct kernel boot (no iPXE). */
  direct?: DirectKernel;
  /** Serial console file; never deleted here, so it is there to read on failure. */
  serialLog: string;
  /** Text whose appearance on the serial console means success. */
  marker: string;
  /** Give up (and kill QEMU) after this long. */
  timeoutMs: number;
  memoryMiB?: number;
  cpus?: number;
  /** Default: {@link detectAccel}. */
  accel?: 'tcg' | 'kvm';
  /** NIC model; both boot with QEMU's default ROM (never name a romfile: SeaBIOS then skips it). */
  nic?: 'virtio-net-pci' | 'e1000';
  /** Abort the boot from outside. */
  signal?: AbortSignal;
  /** `bios` (default: SeaBIOS) or `uefi` (OVMF; see firmware.ts). */
  firmware?: Firmware;
  /**
   * TCG only: run with QEMU's instruction counter (`-icount shift=N`), so the
   * guest's clock advances by 2^N ns per instruction while it computes, not
   * with the host's clock: time the host takes from the vCPUs no longer counts
   * inside the guest (benchmarks). Idle time still runs with the host's clock.
   */
  icountShift?: number;
}

/** The node's own OVMF variable store, beside its serial log. */
export function uefiVarsPath(options: Pick<BootNodeOptions, 'serialLog'>): string {
  return `${options.serialLog}.OVMF_VARS.fd`;
}

/** A node that printed its marker. */
export interface BootResult {
  /** From QEMU start to the marker on the console. */
  timeToMarkerMs: number;
  /** The full console line holding the marker. */
  markerLine: string;
  serialLog: string;
  accel: 'tcg' | 'kvm';
  command: string[];
}

/** The QEMU argument array for `options` (exported for tests and for printing). */
export function qemuCommand(options: BootNodeOptions, accel: 'tcg' | 'kvm'): string[] {
  if (Boolean(options.bootUrl) === Boolean(options.direct)) {
    throw new UsageError('E_E2E_BOOT_SOURCE', 'bootNode needs exactly one of bootUrl and direct');
  }
  if (!/^[A-Za-z0-9-]+$/.test(options.name)) {
    throw new UsageError('E_E2E_NODE_NAME', `node name "${options.name}" must be letters, digits and dashes`);
  }
  // The netdev option string is comma-separated: a comma in a URL would split it.
  if (options.bootUrl?.includes(',')) throw new UsageError('E_E2E_BOOT_URL', 'boot URL must not contain a comma');
  const uefi = options.firmware === 'uefi';
  // The same holds for the -drive option string naming the variable store.
  if (uefi && options.serialLog.includes(',')) throw new UsageError('E_E2E_SERIAL_LOG', 'serial log path must not contain a comma under UEFI');
  const netdev = [`user,id=n0,hostname=${options.name}`];
  if (options.bootUrl) netdev.push(`bootfile=${options.bootUrl}`);
  const command = [
    'qemu-system-x86_64', '-accel', accel,
    '-m', String(options.memoryMiB ?? 2048), '-smp', String(options.cpus ?? 2),
    '-display', 'none', '-no-reboot', '-serial', `file:${options.serialLog}`,
    '-netdev', netdev.join(','),
    // OVMF boots what `bootindex` names first; SeaBIOS follows `-boot n`.
    '-device', `${options.nic ?? 'virtio-net-pci'},netdev=n0${uefi && options.bootUrl ? ',bootindex=1' : ''}`,
  ];
  if (options.icountShift !== undefined) {
    if (accel !== 'tcg' || !Number.isInteger(options.icountShift) || options.icountShift < 0 || options.icountShift > 10) {
      throw new UsageError('E_E2E_ICOUNT', 'icountShift must be an integer 0-10, under TCG only');
    }
    command.push('-icount', `shift=${options.icountShift},sleep=on,align=off`);
  }
  if (uefi) command.push(...uefiFirmwareArgs(uefiVarsPath(options)));
  if (options.bootUrl && !uefi) command.push('-boot', 'n');
  if (options.direct) {
    command.push('-kernel', options.direct.kernel, '-initrd', options.direct.initrd, '-append', options.direct.append);
  }
  return command;
}

/**
 * Boots a node and resolves once `marker` shows on its serial console; QEMU
 * is killed in every case before this returns. Rejects with an
 * `E_E2E_BOOT_TIMEOUT` / `E_E2E_QEMU_EXITED` error naming the serial log;
 * under UEFI without OVMF installed, with `E_E2E_OVMF_MISSING` before QEMU starts.
 */
export async function bootNode(options: BootNodeOptions): Promise<BootResult> {
  const accel = options.accel ?? (await detectAccel()).accel;
  const command = qemuCommand(options, accel);
  if (options.firmware === 'uefi') await prepareUefiVars(uefiVarsPath(options));
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const started = Date.now();
  let exited: { error?: unknown } | undefined;
  const qemu = run(command, { signal: stop.signal, maxBuffer: 1024 * 1024 })
    .then(() => { exited = {}; }, (error: unknown) => { exited = { error }; });
  const tail = new SerialTail(options.serialLog);
  try {
    for (;;) {
      const line = await tail.findLine(options.marker);
      if (line !== undefined) {
        return { timeToMarkerMs: Date.now() - started, markerLine: line, serialLog: options.serialLog, accel, command };
      }
      if (exited) {
        const why = exited.error instanceof CommandError ? exited.error.message : 'QEMU exited';
        throw new OperationError('E_E2E_QEMU_EXITED', `node ${options.name} stopped before the marker (${why}); serial log: ${options.serialLog}`,
          `last console lines:\n${await tail.lastLines(15)}`);
      }
      if (options.signal?.aborted) {
        throw new OperationError('E_E2E_BOOT_ABORTED', `boot of ${options.name} aborted; serial log: ${options.serialLog}`);
      }
      if (Date.now() - started > options.timeoutMs) {
        throw new OperationError('E_E2E_BOOT_TIMEOUT',
          `node ${options.name} printed no marker within ${Math.round(options.timeoutMs / 1000)} s; serial log: ${options.serialLog}`,
          `last console lines:\n${await tail.lastLines(15)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  } finally {
    stop.abort();
    await qemu;
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}
