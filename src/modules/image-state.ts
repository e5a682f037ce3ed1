/**
 * The state of an image as commands answer it (`image list`, `image show`,
 * `livenet rollback`...): one shape for text and `--json`, following the
 * answer convention (json-answer.ts). Built from the manager's summary, the
 * image folder's files and the boot assignments.
 */
import { readdirSync, statSync, type Dirent, type Stats } from 'node:fs';
import { join } from 'node:path';
import { listBoot, type ImageAssignment } from '../boot/index.js';
import type { CoreServices } from '../core/core-services.js';
import type { ImageSummary } from '../core/image/image-manager.js';
import type { ImageStatus } from '../core/state/installations.js';
import { camelKey, nodeSetAnswer } from './json-answer.js';
import { imageOfReference } from '../core/names.js';

/** An image as answered. */
export interface ImageState {
  name: string;
  status: ImageStatus;
  /** Image class (`LivenetImage`, `NfsGoldenImage`...); null when unknown (a damaged or killed build). */
  imageClass: string | null;
  kernel: string | null;
  initramfs: string | null;
  /**
   * Bytes of the image's published content in its folder (e.g. squashfs.img and
   * its previous version); null when the image keeps its content elsewhere (NFS trees).
   */
  sizeBytes: number | null;
  /** When the content was last written (ISO 8601, UTC); null for images not CREATED. */
  builtAt: string | null;
  /** Folded node set booting the image, and its count. */
  nodes: string;
  nodeCount: number;
  /** Whether a loaded module provides the class (CREATED images). */
  moduleInstalled?: boolean;
  /** Creator pid (IN_CREATION, CORRUPTED). */
  creatorPid?: number;
  /** Why a DAMAGED image cannot be loaded. */
  reason?: string;
  /** The other attributes of image_data.yml (secrets redacted), keys in camelCase with their unit. */
  attributes: Record<string, unknown>;
}

/** Attributes whose number has a unit: the unit joins the key (`livenet_size` → `livenetSizeMiB`). */
export const ATTRIBUTE_UNITS: Readonly<Record<string, string>> = { livenet_size: 'MiB' };

/** Attributes answered at the top of the state, not among `attributes`. */
const TOP_ATTRIBUTES = new Set(['name', 'image_class', 'kernel', 'image']);

/** Files of an image folder that describe it rather than hold its content. */
const DESCRIPTION_FILES = new Set(['image_data.yml', 'boot.ipxe']);

/** Keys already converted: a listing meets the same few keys in every image. */
const answerKeys = new Map<string, string>();

/** A key of image data in the answer convention, its unit joined (`livenet_size` → `livenetSizeMiB`). */
function answerKey(key: string): string {
  let answer = answerKeys.get(key);
  if (answer === undefined) {
    answer = `${camelKey(key)}${Object.hasOwn(ATTRIBUTE_UNITS, key) ? ATTRIBUTE_UNITS[key] : ''}`;
    answerKeys.set(key, answer);
  }
  return answer;
}

/** Nested attribute values (e.g. the recipe a rebuild keeps as `previous`) get the same keys. */
function answerValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(answerValue);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [answerKey(key), answerValue(item)]));
}

/** Attributes in the answer convention; a node set attribute (`nodes`) gets its count. */
export function answerAttributes(attributes: Record<string, unknown>): Record<string, unknown> {
  const answer: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (TOP_ATTRIBUTES.has(key)) continue;
    if (key === 'nodes' && typeof value === 'string') Object.assign(answer, nodeSetAnswer(value));
    else answer[answerKey(key)] = answerValue(value);
  }
  return answer;
}

/**
 * Size and time of the content of an image folder (see {@link ImageState.sizeBytes} and `builtAt`).
 * Synchronous calls: a listing does this for every image, and a folder holds a few files;
 * a promise per call through the thread pool cost several times the call itself.
 */
function folderContent(folder: string): { sizeBytes: number | null; builtAt: string | null } {
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return { sizeBytes: null, builtAt: null };
  }
  let sizeBytes: number | null = null;
  let newest = 0;
  let described = 0;
  const counted = new Set<number>();
  for (const entry of entries) {
    if (!entry.isFile() || entry.name.startsWith('.')) continue;
    const describes = DESCRIPTION_FILES.has(entry.name) || /\.(?:ipxe|yml)$/.test(entry.name);
    // Only image_data.yml's time is used of the files that describe the image: the others need no stat.
    if (describes && entry.name !== 'image_data.yml') continue;
    const info: Stats | undefined = statSync(join(folder, entry.name), { throwIfNoEntry: false });
    if (info === undefined) continue;
    if (describes) {
      described = info.mtimeMs;
      continue;
    }
    // A version's files are published under a second name (hard links): counted once.
    if (counted.has(info.ino)) continue;
    counted.add(info.ino);
    sizeBytes = (sizeBytes ?? 0) + info.size;
    // A kept previous version is counted in the size, but its time is not the current build's.
    if (!entry.name.endsWith('.previous')) newest = Math.max(newest, info.mtimeMs);
  }
  const time = newest || described;
  return { sizeBytes, builtAt: time ? new Date(time).toISOString() : null };
}

/** The state of one image from its summary and the current boot assignments. */
export async function imageState(services: CoreServices, summary: ImageSummary, assignments: readonly ImageAssignment[]): Promise<ImageState> {
  const attributes = summary.attributes ?? {};
  const text = (value: unknown) => (typeof value === 'string' && value ? value : null);
  // Nodes pinned to one of its versions boot it too.
  const rows = assignments.filter((a) => imageOfReference(a.image) === summary.name);
  const booting = rows.length === 0 ? undefined : { nodes: rows.map((a) => a.nodes).join(','), count: rows.reduce((sum, a) => sum + a.count, 0) };
  const content = summary.status === 'CREATED' ? folderContent(services.paths.imageDir(summary.name)) : { sizeBytes: null, builtAt: null };
  const state: ImageState = {
    name: summary.name,
    status: summary.status,
    imageClass: summary.image_class ?? null,
    kernel: text(attributes.kernel),
    initramfs: text(attributes.image),
    ...content,
    nodes: booting?.nodes ?? '',
    nodeCount: booting?.count ?? 0,
    attributes: answerAttributes(attributes),
  };
  if (summary.module_installed !== undefined) state.moduleInstalled = summary.module_installed;
  if (summary.pid !== undefined) state.creatorPid = summary.pid;
  if (summary.reason !== undefined) state.reason = summary.reason;
  return state;
}

/** Every image's state, in the manager's order. */
export async function listImageStates(services: CoreServices): Promise<ImageState[]> {
  const [summaries, assignments] = await Promise.all([services.images.list(), listBoot(services)]);
  return Promise.all(summaries.map((summary) => imageState(services, summary, assignments)));
}

/** One image's state (throws the manager's not-found error). */
export async function showImageState(services: CoreServices, name: string): Promise<ImageState> {
  const [summary, assignments] = await Promise.all([services.images.status(name), listBoot(services)]);
  return imageState(services, summary, assignments);
}
