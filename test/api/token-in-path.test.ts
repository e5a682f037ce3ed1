import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTempRoot } from '../helpers/temp-root.js';
import { createRestApi } from '../../src/api/api-handler.js';
import { TokenStore } from '../../src/api/token-store.js';
import { createBootServer } from '../../src/serve/static-server.js';

test('a token anywhere in the URL path is refused, never echoed, and redacted from the access log', async () => {
  const root = await makeTempRoot();
  const lines: string[] = [];
  try {
    const services = await root.services();
    await services.images.ensureLayout();
    const api = createRestApi(services);
    const server = await createBootServer({ root: services.paths.httpRoot, port: 0, apiHandler: api.handler, accessLog: (line) => lines.push(line) });
    try {
      const { token } = await new TokenStore(services.paths).create('admin', 'path test');
      const base = server.url.replace(/\/$/, '');
      const secret = token.slice('dlss_'.length);
      const encoded = token.replace('dlss_', '%64%4Cs%53_');
      for (const path of [`/api/v1/images;token=${token}`, `/api/v1/images/${token}`, `/api/v1/images/${encoded}`,
        `/api/v1/images/${token.toUpperCase()}`, `/api/v1/boot/${encodeURIComponent(encodeURIComponent(token))}`]) {
        const answer = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
        assert.equal(answer.status, 400, path);
        const text = await answer.text();
        assert.equal((JSON.parse(text) as { error: { code: string } }).error.code, 'E_API_TOKEN_IN_URL', path);
        assert.ok(!text.includes(secret), text);
      }
      await fetch(`${base}/preboot_execution_environment/${token}/boot.ipxe`);
      await server.close();
      assert.ok(lines.length >= 6);
      for (const line of lines) assert.ok(!line.includes(secret) && !line.toUpperCase().includes(secret.toUpperCase()), line);
      assert.ok(lines.some((line) => line.includes('/preboot_execution_environment/REDACTED/boot.ipxe 404')), lines.join('\n'));
    } finally {
      await server.close().catch(() => undefined);
      await api.close();
    }
  } finally {
    await root.cleanup();
  }
});
