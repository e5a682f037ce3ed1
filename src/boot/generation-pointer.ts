/**
 * The generation pointer, `<stateDir>/boot-generation.json`: the generation
 * of node scripts published, the one before it (kept for nodes still
 * downloading from it), and the SHA-256 of the nodes.yml text it was rendered
 * from. A nodes.yml whose hash differs was changed by hand, or by a change
 * killed before it was published: the next command renders it again.
 */
import type { Paths } from '../core/paths.js';
import { readTextIfExists, writeFileAtomic } from '../core/state/atomic-file.js';
import { generationPointerFile } from './boot-paths.js';

/** What the pointer records. */
export interface GenerationPointer {
  generation: number;
  previous: number | null;
  inventorySha256: string;
}

const isId = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** The pointer, or undefined when missing or unreadable (then everything is rendered again). */
export async function readPointer(paths: Paths): Promise<GenerationPointer | undefined> {
  const text = await readTextIfExists(generationPointerFile(paths));
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<GenerationPointer>;
    if (!isId(parsed.generation) || !(parsed.previous === null || isId(parsed.previous)) || typeof parsed.inventorySha256 !== 'string') return undefined;
    return { generation: parsed.generation, previous: parsed.previous, inventorySha256: parsed.inventorySha256 };
  } catch {
    return undefined;
  }
}

/** Replaces the pointer atomically. */
export async function writePointer(paths: Paths, pointer: GenerationPointer): Promise<void> {
  await writeFileAtomic(generationPointerFile(paths), `${JSON.stringify(pointer)}\n`, 0o644);
}
