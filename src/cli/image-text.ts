/** How images read for humans: the one-row-per-image table and the grouped `image show`. */
import { ATTRIBUTE_UNITS, type ImageState } from '../modules/image-state.js';
import { camelKey } from '../modules/json-answer.js';
import { formatBytes } from './progress-format.js';
import { renderColumns, renderSections, type Section } from './render.js';

/** `2026-11-29 21:40 UTC`: a date with the hour, the same on every host. */
export function formatTime(iso: string | null): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '-';
}

function nodesText(state: { nodes: string; nodeCount: number }): string {
  return state.nodeCount === 0 ? '-' : `${state.nodeCount} (${state.nodes})`;
}

/** What the status column says: the status, and why when it is not plain CREATED. */
function statusText(state: ImageState): string {
  if (state.status === 'CREATED') return state.moduleInstalled === false ? 'CREATED (module not installed)' : 'CREATED';
  if (state.creatorPid !== undefined) return `${state.status} (pid ${state.creatorPid})`;
  return state.reason ? `${state.status} (${state.reason})` : state.status;
}

/** One row per image: name, type, status, kernel, size, built, nodes booting it. */
export function renderImageTable(states: readonly ImageState[]): string {
  if (states.length === 0) return 'No images.';
  return renderColumns(['NAME', 'TYPE', 'STATUS', 'KERNEL', 'SIZE', 'BUILT', 'NODES'], states.map((state) => [
    state.name, state.imageClass, statusText(state), state.kernel,
    state.sizeBytes === null ? null : formatBytes(state.sizeBytes), formatTime(state.builtAt), nodesText(state),
  ]));
}

/** Attribute keys (camelCase, unit joined) back to their unit, e.g. `livenetSizeMiB` → `MiB`. */
const UNIT_OF_KEY = new Map(Object.entries(ATTRIBUTE_UNITS).map(([key, unit]) => [`${camelKey(key)}${unit}`, unit]));

/** `livenetSizeMiB` → `livenet size`; `sshPubKey` → `ssh pub key`. */
function attributeLabel(key: string): string {
  const unit = UNIT_OF_KEY.get(key);
  const bare = unit ? key.slice(0, -unit.length) : key;
  return bare.replace(/([A-Z])/g, ' $1').toLowerCase();
}

function attributeValue(key: string, value: unknown): unknown {
  const unit = UNIT_OF_KEY.get(key);
  return unit && value !== null && value !== undefined ? `${String(value)} ${unit}` : value;
}

/** `image show`: the image, its boot, its content, then its other attributes, every amount with its unit. */
export function renderImageShow(state: ImageState): string {
  const { nodes: attributeNodes, nodeCount: attributeNodeCount, ...attributes } = state.attributes;
  const image: Section = { title: `Image ${state.name}`, rows: [['type', state.imageClass], ['status', state.reason ? state.status : statusText(state)]] };
  if (state.reason) image.rows.push(['damaged', state.reason]);
  const boot: Section = { title: 'Boot', rows: state.kernel || state.nodeCount > 0 ? [
    ['kernel', state.kernel], ['initramfs', state.initramfs], ['nodes booting it', nodesText(state)],
  ] : [] };
  const content: Section = { title: 'Content', rows: [] };
  if (state.sizeBytes !== null) content.rows.push(['size', `${formatBytes(state.sizeBytes)} (${state.sizeBytes} bytes)`]);
  if (state.builtAt) content.rows.push(['built', formatTime(state.builtAt)]);
  if (typeof attributeNodes === 'string') content.rows.push(['node trees', `${String(attributeNodeCount)} (${attributeNodes || 'none'})`]);
  const other: Section = {
    title: 'Attributes',
    rows: Object.entries(attributes).map(([key, value]) => [attributeLabel(key), attributeValue(key, value)]),
  };
  return renderSections([image, boot, content, other]);
}
