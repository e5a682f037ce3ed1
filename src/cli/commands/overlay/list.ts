/** `disklessset overlay list|show`: the overlays nodes can get (thin over core/overlays). */
import type { CommandSpec } from '../../command.js';
import { renderColumns } from '../../render.js';

function origin(overlay: { origin: string; overridesBuiltin: boolean; generated: boolean }): string {
  if (overlay.overridesBuiltin) return 'site (overrides built-in)';
  return overlay.generated ? 'built-in (generated)' : overlay.origin === 'site' ? 'site' : 'built-in';
}

export const overlayList: CommandSpec = {
  path: ['overlay', 'list'],
  summary: 'list the overlays (built-in and site), their files and how many nodes get each',
  example: 'overlay list --json',
  async run({ services }) {
    const overlays = await services.overlays.list();
    const text = renderColumns(['NAME', 'ORIGIN', 'FILES', 'NODES', 'DESCRIPTION'],
      overlays.map((o) => [o.name, origin(o), o.fileCount, o.nodeCount, o.description ?? '-']));
    return { data: { overlays }, text };
  },
};

export const overlayShow: CommandSpec = {
  path: ['overlay', 'show'],
  summary: 'show one overlay: its files, templates, modes and owners',
  example: 'overlay show hostname',
  args: [{ name: 'NAME', required: true, completes: 'overlay' }],
  async run({ services }, { args }) {
    const overlay = await services.overlays.show(String(args.NAME));
    const head = `${overlay.name}: ${origin(overlay)}${overlay.description ? ` - ${overlay.description}` : ''}`;
    const rows = overlay.files.map((f) => [f.path, f.kind === 'symlink' ? `-> ${f.target ?? ''}` : f.template ? 'template' : f.kind,
      f.mode ?? '-', `${f.uid ?? '-'}:${f.gid ?? '-'}`, f.size ?? '-', f.secret ? 'yes' : '-']);
    const text = rows.length === 0 ? `${head}\n(no files)` : `${head}\n${renderColumns(['PATH', 'KIND', 'MODE', 'OWNER', 'SIZE', 'SECRET'], rows)}`;
    return { data: overlay, text };
  },
};
