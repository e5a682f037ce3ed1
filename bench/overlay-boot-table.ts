/**
 * Figures of bench/overlay-boot.ts: the per-boot table, medians per variant,
 * differences paired within each with-without-without-with round, and the
 * verdict on issue 14's bound. Whole TCG boots of one node spread by tens of
 * seconds without QEMU's instruction counter (the guest's clock runs with the
 * host's while its vCPUs wait for a share of a loaded machine), by tenths of a
 * second with it, so the verdict weighs the difference against that spread
 * instead of reading a sign out of noise.
 */
import { median, type BootPhases } from './overlay-boot-console.js';

/** Which of the two node scripts a boot went through. */
export type Variant = 'with' | 'without';

/** One boot's figures. */
export interface Boot extends BootPhases {
  variant: Variant;
  /** Power-on → marker, host clock (s). */
  wallS: number;
  /** serve's own duration of the archive request (ms). */
  overlayServeMs?: number;
  /** serve logged the archive request this long after the initramfs request (ms): iPXE's time for the extra initrd, seen from the host. */
  overlayAfterInitramfsMs?: number;
  load: string;
}

/** What the table and the summary row need. */
export interface OverlayVerdict {
  /** median(with) − median(without) of the in-guest uptime when the marker unit starts (s). */
  guest: number;
  /** The same for power-on → marker (s). */
  wall: number;
  /** Largest max − min of the in-guest figure within one variant (s). */
  spread: number;
  /** Median over rounds of the paired in-guest difference ((with₁ + with₄) − (without₂ + without₃)) / 2. */
  paired: number;
  /** median(with) − median(without) of power-on → /init plus the pre-pivot service: the phases where the overlay is fetched, unpacked and copied (s). */
  phases: number;
  /** The same, paired in rounds. */
  phasesPaired: number;
  /** median(with) − median(without) of kernel start → /init plus the pre-pivot service: the overlay's phases on the guest's clock alone (s). */
  phasesGuest: number;
  /** True or false once the difference is beyond the spread; undefined when the spread is wider than the bound allows to tell. */
  met?: boolean;
}

/** Seconds as the tables print them; `?` when unknown. */
export const s = (value: number | undefined, digits = 1): string => (value === undefined || Number.isNaN(value) ? '?' : `${value.toFixed(digits)} s`);
/** a − b, when both are known. */
export const minus = (a?: number, b?: number): number | undefined => (a === undefined || b === undefined ? undefined : a - b);

const known = (values: readonly (number | undefined)[]): number[] => values.filter((value): value is number => value !== undefined && !Number.isNaN(value));

/** Prints the per-boot table, the medians and the paired differences; returns the verdict on `boundS`. */
export function printFigures(boots: readonly Boot[], boundS: number): OverlayVerdict {
  console.log('| boot | overlay | power-on → marker | power-on → kernel start | kernel start → /init (initrd unpack) | /init → switch root (pre-pivot) '
    + '| switch root → marker unit | in-guest at marker unit | archive logged after the initramfs (serve time) | guest stalls | load before → after |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const [index, b] of boots.entries()) {
    const fetch = b.overlayAfterInitramfsMs === undefined ? '-' : `${b.overlayAfterInitramfsMs} ms (${b.overlayServeMs ?? '?'} ms)`;
    console.log(`| ${index + 1} | ${b.variant} | ${s(b.wallS)} | ${s(b.kernelStartHostMs === undefined ? undefined : b.kernelStartHostMs / 1000)} `
      + `| ${s(b.initS, 2)} (${s(b.unpackS, 2)}) | ${s(minus(b.switchRootS, b.initS), 2)} (${s(b.prePivotS, 2)}) | ${s(minus(b.markerS, b.switchRootS), 2)} `
      + `| ${s(b.markerS, 2)} | ${fetch} | ${b.stalls} | ${b.load} |`);
  }
  const of = (variant: Variant, pick: (b: Boot) => number | undefined) => known(boots.filter((b) => b.variant === variant).map(pick));
  // Each round is with, without, without, with: the pairing cancels a load that drifts steadily during the round.
  const paired = (pick: (b: Boot) => number | undefined) => median(known(Array.from({ length: Math.floor(boots.length / 4) }, (_, round) => {
    const [a, b, c, d] = boots.slice(round * 4, round * 4 + 4).map(pick);
    return a === undefined || b === undefined || c === undefined || d === undefined ? undefined : (a + d - b - c) / 2;
  })));
  const row = (label: string, pick: (b: Boot) => number | undefined, digits = 2) => {
    const [w, wo] = [median(of('with', pick)), median(of('without', pick))];
    console.log(`| ${label} | ${s(w, digits)} | ${s(wo, digits)} | **${s(w - wo, digits)}** | ${s(paired(pick), digits)} |`);
    return w - wo;
  };
  console.log('\n| figure (median) | with | without | with − without | paired in rounds |\n|---|---:|---:|---:|---:|');
  const wall = row('power-on → marker', (b) => b.wallS, 1);
  row('power-on → kernel start (host clock)', (b) => (b.kernelStartHostMs === undefined ? undefined : b.kernelStartHostMs / 1000));
  row('kernel start → /init', (b) => b.initS);
  row('initrd unpack (kernel)', (b) => b.unpackS);
  row('/init → switch root', (b) => minus(b.switchRootS, b.initS));
  row('dracut pre-pivot service', (b) => b.prePivotS);
  // Where the overlay works: iPXE fetches it, the kernel unpacks it, pre-pivot copies it. Far less noisy than the whole boot.
  const own = (b: Boot) => (b.kernelStartHostMs === undefined || b.initS === undefined || b.prePivotS === undefined ? undefined
    : b.kernelStartHostMs / 1000 + b.initS + b.prePivotS);
  const phases = row('overlay\'s phases: power-on → /init, plus pre-pivot', own);
  // The same without iPXE's part, which only the host's clock sees: on the instruction counter, the guest's clock alone is steady.
  const phasesGuest = row('overlay\'s phases in the guest: kernel start → /init, plus pre-pivot',
    (b) => (b.initS === undefined || b.prePivotS === undefined ? undefined : b.initS + b.prePivotS));
  row('switch root → marker unit', (b) => minus(b.markerS, b.switchRootS));
  const guest = row('in-guest uptime at marker unit start', (b) => b.markerS);
  const range = (values: number[]) => (values.length === 0 ? Number.NaN : Math.max(...values) - Math.min(...values));
  const spread = Math.max(range(of('with', (b) => b.markerS)), range(of('without', (b) => b.markerS)));
  const met = Number.isNaN(guest) || Number.isNaN(spread) ? undefined
    : guest + spread <= boundS ? true : guest - spread > boundS ? false : undefined;
  console.log(`\nin-guest difference ${s(guest, 2)}, spread within a variant ${s(spread, 1)}: `
    + `${met === undefined ? 'too wide to tell against' : met ? 'within' : 'beyond'} the ${boundS} s bound`);
  return { guest, wall, spread, paired: paired((b) => b.markerS), phases, phasesPaired: paired(own), phasesGuest, met };
}
