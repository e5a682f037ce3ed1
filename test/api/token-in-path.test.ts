import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startApi } from '../helpers/api-harness.js';

test('a token anywhere in the URL path is refused, never echoed, and redacted from the access log', async () => {
  const lines: string[] = [];
  const api = await startApi({ accessLog: (line) => lines.push(line) });
  try {
    const token = api.admin;
    const secret = token.slice('dlss_'.length);
    const encoded = token.replace('dlss_', '%64%4Cs%53_');
    for (const path of [`/api/v1/images;token=${token}`, `/api/v1/images/${token}`, `/api/v1/images/${encoded}`,
      `/api/v1/images/${token.toUpperCase()}`, `/api/v1/boot/${encodeURIComponent(encodeURIComponent(token))}`]) {
      const answer = await fetch(`${api.base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(answer.status, 400, path);
      const text = await answer.text();
      assert.equal((JSON.parse(text) as { error: { code: string } }).error.code, 'E_API_TOKEN_IN_URL', path);
      assert.ok(!text.includes(secret), text);
    }
    await fetch(`${api.base}/preboot_execution_environment/${token}/boot.ipxe`);
    await api.server.close();
    assert.ok(lines.length >= 6);
    for (const line of lines) assert.ok(!line.includes(secret) && !line.toUpperCase().includes(secret.toUpperCase()), line);
    assert.ok(lines.some((line) => line.includes('/preboot_execution_environment/REDACTED/boot.ipxe 404')), lines.join('\n'));
  } finally {
    await api.close();
  }
});
