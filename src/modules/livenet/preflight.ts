/**
 * Everything checked before a livenet build is registered: a bad size, an
 * unavailable kernel, a missing file or package, or a taken name is a
 * UsageError (exit code 2) and nothing is written.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { ConflictError, DisklessError, UsageError } from '../../core/errors.js';
import type { ImageContext } from '../../core/image/context.js';
import { validateImageName } from '../../core/names.js';
import { readPasswordInput } from '../../core/os/password.js';
import { checkPackagesExist, defaultSource } from '../../core/os/sources.js';
import { parseLivenetOptions, type LivenetOptions } from './options.js';

/** Raw inputs of a creation, as the command line gives them. */
export interface LivenetRequest {
  /** Options by name (`kernel`, `size`, `ssh-key`, `password-file`, ...); undefined means not given. */
  options: Record<string, unknown>;
  /** A YAML spec file whose keys give defaults for every option. */
  fromFile?: string;
  /** Reads stdin, for `--password-stdin`. */
  readStdin?: () => Promise<string>;
}

/** Reads a spec file: a mapping of option names (dashes or underscores). */
export async function readSpecFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError('E_FILE_NOT_FOUND', `cannot read the spec file ${file}`, 'give the path of a readable YAML file');
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new UsageError('E_SPEC_INVALID', `${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, 'fix the file');
  }
  if (!document || typeof document !== 'object' || Array.isArray(document)) {
    throw new UsageError('E_SPEC_INVALID', `${file} must hold a mapping of options`, 'see docs/livenet.md for an example');
  }
  const spec: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document)) spec[key.replace(/-/g, '_')] = value;
  return spec;
}

function snakeKeys(options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (value !== undefined && value !== false) out[key.replace(/-/g, '_')] = value;
  return out;
}

/** Reads and checks an SSH public key file (UsageError E_FILE_NOT_FOUND, E_SSH_KEY). */
export async function readSshKey(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError('E_FILE_NOT_FOUND', `cannot read the SSH public key ${file}`, 'give the path of a readable .pub file');
  }
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (lines.length === 0 || !lines.every((l) => /^(ssh-|ecdsa-|sk-|[a-z0-9-]+@openssh\.com)/.test(l.replace(/^\S+="[^"]*"\s+/, '')))) {
    throw new UsageError('E_SSH_KEY', `${file} does not look like an SSH public key`, 'give a .pub file (not the private key)');
  }
  return lines.join('\n');
}

/** Checks a kernel is available; a missing one is the user's input error here. */
export async function requireKernel(context: ImageContext, kernel: string): Promise<void> {
  try {
    await context.kernels.requireAvailable(kernel);
  } catch (error) {
    if (error instanceof DisklessError && error.kind === 'not-found') throw new UsageError(error.code, error.message, error.hint);
    throw error;
  }
}

/**
 * Turns a request into checked options: spec file, password (hashed here),
 * SSH key, kernel, source and packages. The name must be free.
 */
export async function prepareLivenet(context: ImageContext, name: string, request: LivenetRequest): Promise<LivenetOptions> {
  validateImageName(name);
  if (existsSync(context.paths.imageDir(name))) {
    throw new ConflictError('E_IMAGE_EXISTS', `image "${name}" already exists`, 'choose another name or remove it first');
  }
  const raw = { ...(request.fromFile ? await readSpecFile(request.fromFile) : {}), ...snakeKeys(request.options) };
  const stdinWanted = raw.password_stdin === true;
  const passwordHash = raw.password_hash !== undefined || raw.password_file !== undefined || stdinWanted
    ? await readPasswordInput({
      hash: raw.password_hash === undefined ? undefined : String(raw.password_hash),
      file: raw.password_file === undefined ? undefined : String(raw.password_file),
      stdin: stdinWanted ? await (request.readStdin?.() ?? Promise.resolve('')) : undefined,
    })
    : undefined;
  if (raw.password !== undefined) {
    throw new UsageError('E_PASSWORD', 'clear passwords are not accepted as options', 'use --password-file, --password-stdin or --password-hash');
  }
  const sshKeyFile = raw.ssh_key === undefined ? undefined : String(raw.ssh_key);
  const options = parseLivenetOptions({ ...raw, password_hash: passwordHash, ssh_key: undefined, ssh_key_file: sshKeyFile },
    { source: await defaultSource() });
  if (sshKeyFile) options.sshKey = await readSshKey(sshKeyFile);
  await requireKernel(context, options.kernel);
  await checkPackagesExist(options.source, options.packages, options.release);
  return options;
}
