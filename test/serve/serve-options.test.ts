import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTempRoot } from '../helpers/temp-root.js';

test('serve refuses a bad --listen or --port up front: exit 2, one line naming the value', async () => {
  const root = await makeTempRoot();
  try {
    const cases: Array<[string[], RegExp]> = [
      [['--listen', 'x y', '--port', '18459'], /listen address "x y" is neither an IP address nor a host name/],
      [['--listen', 'host\nname', '--port', '18459'], /listen address "host\\nname"/],
      [['--listen', '127.0.0.1', '--port', '1e3'], /port "1e3" is not a number from 0 to 65535/],
      [['--listen', '127.0.0.1', '--port', '65536'], /port "65536"/],
      [['--listen', '127.0.0.1', '--port', ' 80'], /port " 80"/],
    ];
    for (const [args, message] of cases) {
      const result = await root.cli(['serve', ...args]);
      assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.ok(!result.stderr.includes('unexpected error'), result.stderr);
    }
  } finally {
    await root.cleanup();
  }
});
