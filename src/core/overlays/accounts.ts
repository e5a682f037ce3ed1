/**
 * Owner and group names of overlay.yml, turned into numbers. A node's
 * accounts are those of its image, which the tool does not open to render
 * 10,000 nodes; names are read from this server's passwd and group files
 * (under the root prefix), which clusters keep in step with their images
 * for the accounts overlays use. Numbers avoid the question entirely.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../../errors/index.js';
import type { Paths } from '../paths.js';
import { filesFingerprint } from './tree-fingerprint.js';

/** The highest user or group id a file can have (4294967295 is (uid_t)-1, which chown reads as "leave unchanged"). */
export const MAX_ACCOUNT_ID = 4294967294;

/** Resolves account names, reading each file once. */
export class AccountResolver {
  private readonly tables = new Map<string, Promise<Map<string, number>>>();

  constructor(private readonly paths: Paths) {}

  /**
   * The number of `value` (a number is returned as it is).
   * @throws UsageError E_OVERLAY_META when the name is not in the file.
   */
  async resolve(value: number | string, kind: 'owner' | 'group', overlay: string): Promise<number> {
    if (typeof value === 'number') return value;
    const file = kind === 'owner' ? 'passwd' : 'group';
    let table = this.tables.get(file);
    if (!table) {
      table = this.read(file);
      this.tables.set(file, table);
    }
    const id = (await table).get(value);
    if (id === undefined) {
      throw new UsageError('E_OVERLAY_META', `overlay.yml of overlay ${overlay}: ${kind} ${value} is not in this server's /etc/${file}`,
        `give the number the node's image uses, e.g. ${kind}: 0`);
    }
    return id;
  }

  /** A fingerprint of the files names are resolved from (tree-fingerprint.ts): a change of them may change an overlay's owners. */
  fingerprint(): Promise<string> {
    return filesFingerprint(['passwd', 'group'].map((file) => this.paths.relocate(`/etc/${file}`)));
  }

  private async read(file: string): Promise<Map<string, number>> {
    const table = new Map<string, number>();
    let text = '';
    try {
      text = await readFile(this.paths.relocate(`/etc/${file}`), 'utf8');
    } catch { /* no file: every name is unknown */ }
    for (const line of text.split('\n')) {
      const [name, , id] = line.split(':');
      if (name && id !== undefined && /^\d+$/.test(id) && Number(id) <= MAX_ACCOUNT_ID) table.set(name, Number(id));
    }
    if (!table.has('root')) table.set('root', 0);
    return table;
  }
}
