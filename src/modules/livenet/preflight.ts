/**
 * Everything checked before a livenet build is registered: a bad size, an
 * unavailable kernel, a missing file or package, or a taken name is a
 * UsageError (exit code 2) and nothing is written.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseYamlText } from '../../core/yaml-text.js';
import { ConflictError, DisklessError, UsageError } from '../../errors/index.js';
import type { ImageContext } from '../../core/image/context.js';
import { validateImageName } from '../../core/names.js';
import { readPasswordInput } from '../../core/os/password.js';
import { checkSourceUsable, sourceScope } from '../../core/os/source-checks.js';
import { checkPackagesExist, defaultSource } from '../../core/os/sources.js';
import { optionalFlag, optionalText, requireKnownKeys } from '../../core/raw-options.js';
import { parseLivenetOptions, requireSshPublicKey, type LivenetOptions } from './options.js';

/** Raw inputs of a creation, as the command line gives them. */
export interface LivenetRequest {
  /** Options by name (`kernel`, `size`, `ssh-key`, `password-file`, ...); undefined means not given. */
  options: Record<string, unknown>;
  /** A YAML spec file whose keys give defaults for every option. */
  fromFile?: string;
  /** Reads stdin, for `--password-stdin`. */
  readStdin?: () => Promise<string>;
}

/** Keys of a spec file: the options of `livenet create` (a clear `password` is refused with its own message). */
const SPEC_KEYS = ['kernel', 'type', 'size', 'source', 'password', 'password_file', 'password_stdin', 'password_hash', 'ssh_key',
  'selinux', 'packages', 'release', 'optimize', 'compression', 'layout'];

/**
 * Reads a spec file: a mapping of option names (dashes or underscores).
 * Throws UsageError E_FILE_NOT_FOUND, E_SPEC_INVALID, or E_UNKNOWN_OPTION
 * for a key that is not an option (naming the nearest one).
 */
export async function readSpecFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError('E_FILE_NOT_FOUND', `cannot read the spec file ${file}`, 'give the path of a readable YAML file');
  }
  let document: unknown;
  try {
    document = parseYamlText(text);
  } catch (error) {
    throw new UsageError('E_SPEC_INVALID', `${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, 'fix the file');
  }
  if (!document || typeof document !== 'object' || Array.isArray(document)) {
    throw new UsageError('E_SPEC_INVALID', `${file} must hold a mapping of options`, 'see docs/livenet.md for an example');
  }
  const spec: Record<string, unknown> = {};
  // defineProperty, not assignment: a `__proto__` key stays an own (hence unknown) key instead of replacing the prototype.
  for (const [key, value] of Object.entries(document)) {
    Object.defineProperty(spec, key.replace(/-/g, '_'), { value, enumerable: true, writable: true, configurable: true });
  }
  requireKnownKeys(spec, SPEC_KEYS, file);
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
  return requireSshPublicKey(text, file);
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
 * SSH key, kernel, source (see `checkSourceUsable`) and packages. The name
 * must be free. Nothing is registered or created.
 */
export async function prepareLivenet(context: ImageContext, name: string, request: LivenetRequest): Promise<LivenetOptions> {
  validateImageName(name);
  if (existsSync(context.paths.imageDir(name))) {
    throw new ConflictError('E_IMAGE_EXISTS', `image "${name}" already exists`, 'choose another name or remove it first');
  }
  const raw = { ...(request.fromFile ? await readSpecFile(request.fromFile) : {}), ...snakeKeys(request.options) };
  if (raw.password !== undefined) {
    throw new UsageError('E_PASSWORD', 'clear passwords are not accepted as options', 'use --password-file, --password-stdin or --password-hash');
  }
  const stdinWanted = optionalFlag(raw, 'password_stdin');
  const hash = optionalText(raw, 'password_hash', 'E_PASSWORD');
  const passwordFile = optionalText(raw, 'password_file', 'E_PASSWORD');
  const passwordHash = hash !== undefined || passwordFile !== undefined || stdinWanted
    ? await readPasswordInput({
      hash, file: passwordFile, stdin: stdinWanted ? await (request.readStdin?.() ?? Promise.resolve('')) : undefined,
    })
    : undefined;
  const sshKeyFile = optionalText(raw, 'ssh_key', 'E_SSH_KEY');
  const options = parseLivenetOptions({ ...raw, password_hash: passwordHash, ssh_key: undefined, ssh_key_file: sshKeyFile },
    { source: await defaultSource() });
  if (sshKeyFile) options.sshKey = await readSshKey(sshKeyFile);
  await requireKernel(context, options.kernel);
  await checkSourceUsable(options.source, sourceScope(context.paths));
  await checkPackagesExist(options.source, options.packages, options.release);
  return options;
}
