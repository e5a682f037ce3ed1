/**
 * The OS questions of the module menus (livenet create, NFS staging create):
 * one set of questions, asked in the order of the OS option table
 * (core/os/recipe-table.ts) and answered with the table's keys, so both
 * menus offer the same choices as the command line and hand the answers to
 * the same `prepareCreation`.
 */
import type { MenuUi } from './contract.js';
import type { CoreServices } from '../core/core-services.js';
import { hashClearPassword } from '../core/os/password.js';
import { OS_OPTIONS } from '../core/os/recipe-table.js';
import { OS_TYPES, defaultSource } from '../core/os/sources.js';
import { packageNames, releaseName, sshKeyFile, usableSource } from './menu-checks.js';

/** The kernels an OS image can boot: those with an initramfs. */
export async function bootableKernels(services: CoreServices): Promise<string[]> {
  return (await services.kernels.list()).filter((k) => k.initramfs_present).map((k) => k.kernel);
}

/** Asks the root password twice (it is not shown), until both agree; returns its hash. */
async function askPasswordHash(ui: MenuUi): Promise<string> {
  for (;;) {
    const first = await ui.ask('Root password of the image:', { secret: true });
    const again = await ui.ask('Same password again:', { secret: true });
    if (first === again) return hashClearPassword(first);
    ui.print('The passwords differ, try again.');
  }
}

type Question = (ui: MenuUi, services: CoreServices) => Promise<unknown>;

/**
 * How the menu asks each option of the table, by key. An empty answer
 * means "the default" and is left out (undefined). Not asked: the password
 * by file, stdin or hash (it is asked hidden and hashed at once), nor the
 * SSH key as text (it is asked as a file).
 */
const QUESTIONS: Readonly<Record<string, Question>> = {
  kernel: async (ui, services) => {
    const kernels = await bootableKernels(services);
    return kernels[await ui.choose('Select the kernel:', kernels)];
  },
  type: async (ui) => OS_TYPES[await ui.choose('Select the image type:', ['core (minimal)', 'small', 'standard'])],
  source: async (ui, services) => ui.ask('OS source (dnf, debootstrap, mmdebstrap, tar:PATH, dir:PATH, docker://REGISTRY/REPO:TAG...):', {
    default: await defaultSource(), validate: usableSource(services),
  }),
  registry_auth: async (ui) => (await ui.ask('Path of a registry auth.json (empty for none):', { allowEmpty: true })) || undefined,
  tls_verify: (ui) => ui.confirm('Verify the registry\'s TLS certificate (no for a plain-HTTP lab registry)?'),
  release: async (ui) => (await ui.ask('Release version (empty for the host\'s):', { allowEmpty: true, validate: releaseName })) || undefined,
  packages: async (ui) => (await ui.ask('Additional packages, separated by commas or spaces (empty for none):',
    { allowEmpty: true, validate: packageNames })) || undefined,
  password_hash: askPasswordHash,
  ssh_key: async (ui) => (await ui.ask('Path of an SSH public key for root (empty for none):', { allowEmpty: true, validate: sshKeyFile }))
    || undefined,
  selinux: (ui) => ui.confirm('Activate SELinux?'),
  optimize: (ui) => ui.confirm('Optimize the image (no documentation, locales, weak dependencies)?'),
};

/** Options asked only after a docker:// source. */
const REGISTRY_KEYS: readonly string[] = ['registry_auth', 'tls_verify'];

/**
 * Asks every OS option of the table (kernel, type, source, registry auth
 * file and TLS for a docker:// source, release,
 * packages, root password, SSH key file, SELinux, optimize), each answer
 * checked when given. Returns raw options keyed as in the table, ready for
 * `prepareCreation`; the password only as its hash. Needs at least one
 * bootable kernel (see {@link bootableKernels}).
 * @throws MenuBack or MenuInterrupted when the user leaves a question.
 */
export async function askOsRecipe(ui: MenuUi, services: CoreServices): Promise<Record<string, unknown>> {
  const answers: Record<string, unknown> = {};
  for (const entry of OS_OPTIONS) {
    // Registry settings only mean something for a registry source (elsewhere they are refused).
    if (REGISTRY_KEYS.includes(entry.key) && !String(answers.source).startsWith('docker://')) continue;
    const question = QUESTIONS[entry.key];
    if (question) answers[entry.key] = await question(ui, services);
  }
  return answers;
}

/**
 * The answers of {@link askOsRecipe} as `[label, value]` lines for the
 * summary shown before a creation; the password hash is never shown.
 */
export function recipeSummary(recipe: Readonly<Record<string, unknown>>): [string, string][] {
  return Object.entries(recipe)
    .filter(([key]) => key !== 'password_hash')
    .map(([key, value]) => [key.replace('_', ' '), value === undefined ? '' : typeof value === 'boolean' ? (value ? 'yes' : 'no') : Array.isArray(value) ? value.join(', ') : String(value)]);
}
