/** The tool's version, read from its package.json, with Node's. */
import { readFileSync } from 'node:fs';
import { packageFile } from '../system/package-root.js';

/** `disklessset VERSION (Node.js vX.Y.Z)`, and the same as data for --json. */
export function versionLine(): { text: string; data: { version: string; node: string } } {
  const version = (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
  return { text: `disklessset ${version} (Node.js ${process.version})`, data: { version, node: process.version } };
}
