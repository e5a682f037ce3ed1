// The main job for a new user: runs disklessset under a throw-away root prefix
// and shows what it does. Nothing outside that temporary folder is touched.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = mkdtempSync(join(tmpdir(), 'disklessset-demo-'));
const cli = (...args) => {
  console.log(`\n$ disklessset --root ${root} ${args.join(' ')}`);
  const result = spawnSync(process.execPath, ['dist/src/cli/main.js', '--root', root, ...args], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`disklessset ${args.join(' ')} exited with ${result.status}`);
};
try {
  cli('module', 'list');
  cli('demo', 'create', 'hello', '--message', 'Hello from disklessset');
  cli('image', 'list');
  cli('image', 'remove', 'hello', '--yes');
  cli('image', 'list');
} finally {
  rmSync(root, { recursive: true, force: true });
}
