/**
 * The OS recipe as kept in image_data.yml, so that an image can be rebuilt
 * the same way, and read back from images written by this tool or by the
 * original one.
 *
 * `ssh_pub_key` holds the key text itself for new images: a rebuild then
 * never has to read a file named in a data file. Older files give it two
 * meanings, both read: the key text (NFS images of this tool), or the path
 * of the key file (the original tool; livenet images of this tool, which
 * also kept the text as `ssh_key`).
 */
import { isAbsolute } from 'node:path';
import { parseOsOptions, type OsInput, type OsRecipe } from './recipe.js';
import { formatSource } from './sources.js';
import { isSshPublicKey, readSshKeyFile } from './ssh-key.js';

/**
 * Attributes of `recipe` for image_data.yml (the original's names where it
 * had them). `typeKey` is the attribute holding the OS type (`livenet_type`
 * for livenet images, as the original wrote it; `os_type` for NFS images).
 */
export function recipeAttributes(recipe: OsRecipe, typeKey: 'livenet_type' | 'os_type'): Record<string, unknown> {
  return {
    kernel: recipe.kernel,
    password: recipe.passwordHash,
    [typeKey]: recipe.type,
    source: formatSource(recipe.source),
    release_version: recipe.release ?? null,
    additional_packages: recipe.packages,
    // Only images built from --repo repositories carry these (a rebuild uses the same repositories and check).
    ...(recipe.repos ? { dnf_repos: recipe.repos.urls, dnf_gpg_keys: recipe.repos.gpgKeys, dnf_gpgcheck: recipe.repos.gpgcheck } : {}),
    ssh_pub_key: recipe.sshKey ?? null,
    selinux: recipe.selinux,
    optimize: recipe.optimize,
    // Kept only where it differs from the default, so images of other sources keep their attributes; the auth file is never kept.
    ...(recipe.tlsVerify === false ? { tls_verify: false } : {}),
  };
}

/** The OS type as stored: ours (`small`), or the original's enum text (`Type.STANDARD`; its `minimal` is our `core`). */
function storedType(value: unknown): unknown {
  const match = typeof value === 'string' ? /^Type\.([A-Z]+)$/.exec(value) : null;
  if (!match?.[1]) return value;
  const word = match[1].toLowerCase();
  return word === 'minimal' ? 'core' : word;
}

/** A stored recipe as read back: the OS input, the module's own attributes, and a key file path of an older image. */
export interface StoredRecipe {
  input: OsInput;
  rest: Record<string, unknown>;
  /** `ssh_pub_key` of an older image when it is a path (the original's meaning), not a key. */
  legacyKeyFile?: string;
}

/**
 * Reads the recipe kept in an image's attributes through the one OS parser.
 * `moduleKeys` are the module's own attributes to hand back (e.g.
 * `livenet_size`). Throws UsageError as `parseOsOptions` does.
 */
export function recipeFromData(data: Readonly<Record<string, unknown>>, moduleKeys: readonly string[] = []): StoredRecipe {
  const stored = (key: string): unknown => (data[key] === null ? undefined : data[key]);
  const keyText = [stored('ssh_key'), stored('ssh_pub_key')].find((v) => typeof v === 'string' && isSshPublicKey(v)) as string | undefined;
  const keyPath = stored('ssh_pub_key');
  const raw: Record<string, unknown> = {
    kernel: stored('kernel'), type: storedType(stored('livenet_type') ?? stored('os_type')), source: stored('source'),
    release: stored('release_version'), packages: stored('additional_packages'),
    repo: stored('dnf_repos'), gpg_key: stored('dnf_gpg_keys'), nogpgcheck: stored('dnf_gpgcheck') === false ? true : undefined,
    // The stored `password` is a hash, never a clear password.
    password_hash: stored('password'), ssh_pub_key: keyText,
    selinux: stored('selinux') ?? undefined, optimize: stored('optimize') ?? undefined, tls_verify: stored('tls_verify'),
  };
  for (const key of moduleKeys) raw[key] = stored(key);
  // Stored data names no file to read: parsed as an API body is.
  const { input, rest } = parseOsOptions(raw, { origin: 'api', moduleKeys, where: 'the stored recipe' });
  const legacyKeyFile = keyText === undefined && typeof keyPath === 'string' && keyPath.trim() !== '' ? keyPath.trim() : undefined;
  return { input, rest, legacyKeyFile };
}

/**
 * The key of an older image that kept only its key file's path: read if the
 * path is absolute and names a `.pub` file (nothing else is read on the word
 * of a data file), else a warning that the rebuilt image gets no key.
 * Throws UsageError E_FILE_NOT_FOUND, E_SSH_KEY for a `.pub` file that is gone or not a key.
 */
export async function legacyKey(file: string): Promise<{ sshKey?: string; warning?: string }> {
  if (!isAbsolute(file) || !file.endsWith('.pub')) {
    return { warning: `the recipe names the SSH key file ${JSON.stringify(file)}, which is not an absolute .pub path: no key is installed` };
  }
  return { sshKey: await readSshKeyFile(file) };
}
