/**
 * `disklessset overlay render NODE [--path FILE]`: what a node would receive,
 * without its secrets: the listing gives paths, modes, owners and sizes; one
 * file's content is printed only when it is not secret.
 */
import { isUtf8 } from 'node:buffer';
import { NotFoundError, UsageError } from '../../../errors/index.js';
import { expandNodeNames } from '../../../nodeset/index.js';
import { modeText, normaliseOverlayPath } from '../../../core/overlays/index.js';
import type { CommandSpec } from '../../command.js';
import { renderColumns } from '../../render.js';

export const overlayRender: CommandSpec = {
  path: ['overlay', 'render'],
  summary: 'show what NODE would receive from its overlays (secret files: size only)',
  example: 'overlay render c001 --path /etc/hosts',
  args: [{ name: 'NODE', required: true, completes: 'nodes' }],
  options: [{ name: 'path', type: 'string', description: 'print the content of this one file', valueName: 'FILE' }],
  async run({ services }, { args, options }) {
    // One node: a node set here would be looked up as one name and reported missing.
    const [node = '', ...more] = expandNodeNames(String(args.NODE));
    if (more.length > 0) throw new UsageError('E_OVERLAY_ONE_NODE', `overlay render shows one node, and ${String(args.NODE)} names ${more.length + 1}`, `name one of them, e.g. \`disklessset overlay render ${node}\``);
    const wanted = options.path === undefined ? undefined : normaliseOverlayPath(String(options.path), '(--path)');
    const [rendered] = await services.overlays.renderWithOrigins([node]);
    if (!rendered) throw new NotFoundError('E_NODE_NOT_FOUND', `${node} not in the inventory`, 'see `disklessset node list`');
    const entries = rendered.entries.map((entry) => ({
      path: entry.path, kind: entry.kind, mode: modeText(entry.mode), uid: entry.uid, gid: entry.gid,
      size: entry.data?.length ?? null, target: entry.target ?? null, secret: entry.secret, overlay: rendered.origins.get(entry.path) ?? null,
    }));
    if (wanted === undefined) {
      const text = renderColumns(['PATH', 'KIND', 'MODE', 'OWNER', 'SIZE', 'OVERLAY', 'SECRET'], entries.map((e) => [
        e.path, e.kind === 'symlink' ? `-> ${e.target ?? ''}` : e.kind, e.mode, `${e.uid}:${e.gid}`, e.size ?? '-', e.overlay ?? '(folder)', e.secret ? 'yes' : '-']));
      return { data: { node, inputDigest: rendered.inputDigest, secret: rendered.secret, entries }, text };
    }
    const index = rendered.entries.findIndex((entry) => entry.path === wanted);
    const entry = rendered.entries[index];
    if (!entry) throw new NotFoundError('E_OVERLAY_FILE_NOT_FOUND', `node ${node} receives no ${wanted}`, `see \`disklessset overlay render ${node}\``);
    // A secret's bytes never leave the library through the CLI: not in text, not in JSON.
    const data = entry.secret || entry.kind !== 'file' ? undefined : entry.data ?? Buffer.alloc(0);
    // Bytes that are not UTF-8 would print as replacement characters: JSON gives them in base64, the text says so.
    const binary = data !== undefined && !isUtf8(data);
    const content = data === undefined || binary ? null : data.toString('utf8');
    const text = entry.secret ? `(secret, ${entry.data?.length ?? 0} bytes)`
      : entry.kind === 'symlink' ? `-> ${entry.target ?? ''}` : entry.kind === 'dir' ? `(folder, mode ${modeText(entry.mode)})`
        : binary ? `(not UTF-8 text, ${data.length} bytes: --json gives them in base64)` : (content ?? '').replace(/\n$/, '');
    return { data: { node, ...entries[index], content, ...(binary ? { contentBase64: data.toString('base64') } : {}) }, text };
  },
};
