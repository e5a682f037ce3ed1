// Empties dist/ before a build, so a deleted source never leaves a stale compiled test behind.
import { rmSync } from 'node:fs';
rmSync('dist', { recursive: true, force: true });
