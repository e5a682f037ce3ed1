// After tsc: makes the CLI executable so the package `bin` works straight after `npm run build`,
// and writes the man page from the compiled command definitions.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
chmodSync('dist/src/cli/bin.js', 0o755);
const { builtinManPage } = await import('../dist/src/cli/man-page.js');
mkdirSync('man', { recursive: true });
writeFileSync('man/disklessset.1', await builtinManPage());
