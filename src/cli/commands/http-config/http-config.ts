import { UsageError } from '../../../errors/index.js';
import type { HttpServerKind } from '../../../serve/http-config.js';
import type { CommandSpec } from '../../command.js';

export const httpConfig: CommandSpec = {
  path: ['http-config'],
  summary: 'print an nginx or Apache configuration snippet serving the boot tree',
  example: 'http-config nginx --port 8080',
  args: [{ name: 'SERVER', required: true }],
  options: [
    { name: 'listen', type: 'string', description: 'address to listen on (default: every address)', valueName: 'ADDR' },
    { name: 'port', type: 'string', description: 'port (default 80)', valueName: 'N' },
  ],
  async run({ services }, { args, options }) {
    const kind = String(args.SERVER);
    if (kind !== 'nginx' && kind !== 'apache') throw new UsageError('E_USAGE', `unknown web server "${kind}"`, 'use nginx or apache');
    const port = options.port === undefined ? undefined : Number(options.port);
    const { renderHttpConfig } = await import('../../../serve/http-config.js');
    const text = renderHttpConfig(kind as HttpServerKind, {
      documentRoot: services.paths.httpRoot, listen: options.listen as string | undefined, port,
    });
    return { text, data: { server: kind, documentRoot: services.paths.httpRoot, config: text } };
  },
};
