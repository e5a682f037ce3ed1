// Makes the compiled CLI entry point executable so the package `bin` works straight after `npm run build`.
import { chmodSync } from 'node:fs';
chmodSync('dist/src/cli/main.js', 0o755);
