/**
 * Options of a livenet image: the shared OS recipe (core/os/recipe.ts) plus
 * the image-format options that only livenet has (size, compression,
 * layout), and the recipe kept in image_data.yml so that the image can be
 * rebuilt the same way.
 */
import { UsageError } from '../../errors/index.js';
import type { OsRecipe } from '../../core/os/recipe.js';
import { recipeAttributes } from '../../core/os/recipe-data.js';

/** Compressions mksquashfs offers that dracut's kernels read. */
export const COMPRESSIONS = ['zstd', 'xz', 'gzip', 'lz4'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/** `liveos`: squashfs holding LiveOS/rootfs.img (the original's); `flat`: squashfs of the tree itself. */
export const LAYOUTS = ['liveos', 'flat'] as const;
export type Layout = (typeof LAYOUTS)[number];

export const MIN_SIZE_MIB = 100;
export const MAX_SIZE_MIB = 50_000;

/** The image-format options of a livenet image. */
export interface LivenetFormat {
  /** Size of LiveOS/rootfs.img in MiB (liveos layout; 0 for flat). */
  sizeMiB: number;
  compression: Compression;
  layout: Layout;
}

/** Everything a livenet build needs, checked. */
export interface LivenetOptions extends OsRecipe, LivenetFormat {}

/** Keys of the livenet-only options (`livenet_size` is the original's name of `size`). */
export const LIVENET_FORMAT_KEYS = ['size', 'livenet_size', 'compression', 'layout'] as const;

/**
 * Parses a size as the original did: a number of MiB with `M`, or of GiB with
 * `G` (up to 3 decimals); 100..50000 MiB. Returns MiB. Throws E_SIZE.
 */
export function parseSize(text: string): number {
  const match = /^\s*(\d{1,6})(?:\.(\d{1,3}))?\s*([MG])(?:i?B)?\s*$/i.exec(text);
  const hint = `give a size such as 5120M, 5G or 1.5G, from ${MIN_SIZE_MIB}M to ${MAX_SIZE_MIB}M`;
  if (!match?.[1] || !match[3]) throw new UsageError('E_SIZE', `invalid size "${text}"`, hint);
  const unit = match[3].toUpperCase();
  if (unit === 'M' && match[2] !== undefined) throw new UsageError('E_SIZE', `invalid size "${text}" (decimals only with G)`, hint);
  const value = Number(`${match[1]}.${match[2] ?? '0'}`);
  const mib = unit === 'G' ? Math.round(value * 1024) : value;
  if (mib < MIN_SIZE_MIB || mib > MAX_SIZE_MIB) throw new UsageError('E_SIZE', `size ${text} (${mib} MiB) is out of range`, hint);
  return mib;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string, code: string, fallback: T): T {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(code, `invalid ${what} ${JSON.stringify(value)}`, `choose one of ${allowed.join(', ')}`);
}

/**
 * Parses the livenet-only options (the `rest` of `parseOsOptions`). A size
 * is a number of MiB or a text such as `5G`; required for the liveos layout.
 * Throws UsageError E_SIZE, E_COMPRESSION, E_LAYOUT.
 */
export function parseLivenetFormat(raw: Record<string, unknown>): LivenetFormat {
  const layout = oneOf(raw.layout, LAYOUTS, 'layout', 'E_LAYOUT', 'liveos');
  const size = raw.size ?? raw.livenet_size;
  let sizeMiB = 0;
  if (typeof size === 'number') sizeMiB = parseSize(`${size}M`);
  else if (typeof size === 'string') sizeMiB = parseSize(size);
  else if (size !== undefined && size !== null) throw new UsageError('E_SIZE', `invalid size ${JSON.stringify(size)}`, 'give a size such as 5G or 5120M');
  else if (layout === 'liveos') throw new UsageError('E_SIZE', 'a size is required for the liveos layout', 'pass --size 5G (or use --layout flat)');
  return { sizeMiB, compression: oneOf(raw.compression, COMPRESSIONS, 'compression', 'E_COMPRESSION', 'zstd'), layout };
}

/** Attributes stored in image_data.yml (the original's names where it had them). */
export function livenetRecipeAttributes(options: LivenetOptions): Record<string, unknown> {
  return {
    ...recipeAttributes(options, 'livenet_type'),
    livenet_size: options.layout === 'liveos' ? options.sizeMiB : undefined,
    compression: options.compression,
    layout: options.layout,
  };
}
