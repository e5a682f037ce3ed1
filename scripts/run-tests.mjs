// Runs every compiled test file with Node's built-in test runner.
// Node 20's `--test` does not expand globs, so the file list is built here.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { sweepStaleTestRoots } from './sweep-test-roots.mjs';

function findTests(dir, found = []) {
  let entries;
  try { entries = readdirSync(dir); } catch { return found; }
  for (const entry of entries) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) findTests(full, found);
    else if (entry.endsWith('.test.js')) found.push(full);
  }
  return found;
}

const only = process.argv.slice(2);
const files = ['dist/src', 'dist/test'].flatMap((d) => findTests(d)).sort()
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
if (files.length === 0) {
  console.error('run-tests: no test files found under dist/ (did the build run?)');
  process.exit(1);
}
// Roots left by earlier runs that were killed (a finished run cleans its own).
const { removed } = sweepStaleTestRoots(tmpdir());
if (removed.length > 0) console.error(`run-tests: removed ${removed.length} temporary root(s) of killed earlier runs: ${removed.join(' ')}`);
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
