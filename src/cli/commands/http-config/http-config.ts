import { UsageError } from '../../../errors/index.js';
import { renderHttpConfig, type HttpServerKind } from '../../../serve/http-config.js';
import type { CommandSpec } from '../../command.js';
import { checkServerUrl } from '../../../core/nodes/servers.js';

export const httpConfig: CommandSpec = {
  path: ['http-config'],
  summary: 'print an nginx or Apache configuration snippet serving the boot tree',
  example: 'http-config nginx --port 8080',
  args: [{ name: 'SERVER', required: true }],
  options: [
    { name: 'listen', type: 'string', description: 'address to listen on (default: every address)', valueName: 'ADDR' },
    { name: 'port', type: 'string', description: 'port (default 80)', valueName: 'N' },
    { name: 'satellite-of', type: 'string', description: 'nginx: a satellite boot server, caching the tree of the main server at URL', valueName: 'URL' },
    { name: 'cache-dir', type: 'string', description: 'satellite: its cache folder on the satellite host (default /var/cache/nginx/disklessset)', valueName: 'DIR' },
  ],
  async run({ services }, { args, options }) {
    const kind = String(args.SERVER);
    if (kind !== 'nginx' && kind !== 'apache') throw new UsageError('E_USAGE', `unknown web server "${kind}"`, 'use nginx or apache');
    const port = options.port === undefined ? undefined : Number(options.port);
    // The one check of a boot server URL; the satellite proxies the main server's root (no path).
    const satelliteOf = options['satellite-of'] === undefined ? undefined : checkServerUrl(String(options['satellite-of']), 'main server URL (--satellite-of)',
      'credentials do not belong in the URL, the nginx configuration file would hold them in clear');
    const text = renderHttpConfig(kind as HttpServerKind, {
      documentRoot: services.paths.httpRoot, listen: options.listen as string | undefined, port,
      satelliteOf, cacheDir: options['cache-dir'] === undefined ? undefined : String(options['cache-dir']),
    });
    return { text, data: { server: kind, documentRoot: services.paths.httpRoot, ...(satelliteOf ? { satelliteOf } : {}), config: text } };
  },
};
