/**
 * The one way code finds the files the package ships beside its code
 * (`package.json`, `overlays/`, `dracut/`). The code runs from two places:
 * the compiled tree (`dist/src/<area>/...js`, what the tests and the library
 * import) and the bundled CLI (`dist/bundle/...js`, what `bin` runs). A path
 * counted in `../` from the calling file would be right for only one of
 * them, so the package's root is found by walking up from this file to the
 * first folder holding a `package.json`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let found: string | undefined;

/**
 * Absolute path of the package's root folder (the one holding its
 * `package.json`), looked up once per process.
 * @throws Error if no folder above the code holds a package.json (a broken install).
 */
export function packageRoot(): string {
  if (found !== undefined) return found;
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(folder, 'package.json'))) return (found = folder);
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`internal: no package.json above ${fileURLToPath(import.meta.url)}`);
    folder = parent;
  }
}

/** Absolute path of `relative` (a file or folder the package ships, e.g. `overlays`) in the package's root. */
export function packageFile(relative: string): string {
  return join(packageRoot(), relative);
}
