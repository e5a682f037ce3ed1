// After tsc: bundles the CLI (dist/src/cli/bin.js and everything it imports) into
// dist/bundle/, the file the package's `bin` runs. Why: a command's start-up was
// mostly Node resolving, reading and linking some 300 files one by one; one file
// (plus a few chunks) is read in a fraction of that time. See docs/architecture.md.
//
// - ESM with code splitting: what the code imports lazily (`await import(...)`: the
//   menu and @inquirer/prompts, the nodeset quick start, module code, build steps)
//   becomes chunks under dist/bundle/chunks/, loaded only when used.
// - Packages the code loads on first use through `createRequire` (yaml, nunjucks,
//   cli-progress: synchronous callers) are not bundled; they load from node_modules
//   as before, and only when used.
// - keepNames: error classes name themselves from `new.target.name`, and messages
//   show those names; the bundler must not rename them.
// - The banner gives bundled CommonJS packages (commander) a real `require` for
//   Node's built-ins, which an ESM file does not have.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';

const outdir = 'dist/bundle';
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { disklessset: 'dist/src/cli/bin.js' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  keepNames: true,
  sourcemap: false,
  logLevel: 'warning',
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  metafile: true,
});
chmodSync(`${outdir}/disklessset.js`, 0o755);
const files = Object.keys(result.metafile.outputs);
console.log(`bundle: ${files.length} files in ${outdir}/`);
