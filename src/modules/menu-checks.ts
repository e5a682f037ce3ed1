/**
 * Checks the module menus run on each answer as it is typed (see
 * `AskOptions.validate`), so a bad answer is asked again at once instead of
 * failing after every other question. Each reuses the check the command
 * line and the API run, and answers with that check's one line.
 */
import { DisklessError } from '../errors/index.js';
import type { CoreServices } from '../core/core-services.js';
import type { MenuUi } from './contract.js';
import { requireFreeName } from '../core/image/creation.js';
import { parseRelease } from '../core/os/recipe.js';
import { nameList } from '../core/raw-options.js';
import { checkSourceUsable, sourceScope } from '../core/os/source-checks.js';
import { parseSource, requirePackageNames } from '../core/os/sources.js';
import { readSshKeyFile } from '../core/os/ssh-key.js';
import { expandNodeNames } from '../nodeset/index.js';

/** Runs `check`: the one line of the DisklessError it throws, or undefined when it passes. */
export async function problemOf(check: () => unknown): Promise<string | undefined> {
  try {
    await check();
    return undefined;
  } catch (error) {
    if (error instanceof DisklessError) return error.oneLine;
    throw error;
  }
}

/**
 * Shows the answers given for a new image, one `label: value` line each, and
 * asks `Create image NAME?` (default no): the last chance to go back before
 * the build starts. True when the user says yes.
 */
export async function confirmCreation(ui: MenuUi, name: string, answers: readonly (readonly [string, string])[]): Promise<boolean> {
  ui.print([`New image ${name}:`, ...answers.map(([label, value]) => `  ${label}: ${value || '(none)'}`)].join('\n'));
  return ui.confirm(`Create image ${name}?`);
}

/** A valid image name that no image, build or removal holds. */
export function freeImageName(services: CoreServices): (answer: string) => Promise<string | undefined> {
  return (answer) => problemOf(() => requireFreeName(services.images.context, answer));
}

/** A source that parses and, for tar:/dir:, may be built from on this host. */
export function usableSource(services: CoreServices): (answer: string) => Promise<string | undefined> {
  return (answer) => problemOf(() => checkSourceUsable(parseSource(answer), sourceScope(services.paths)));
}

/** A readable SSH public key file. */
export function sshKeyFile(answer: string): Promise<string | undefined> {
  return problemOf(() => readSshKeyFile(answer));
}

/** Splits a package list typed with commas and/or spaces (the rule of the `packages` option). */
export function packageList(answer: string): string[] {
  return nameList({ packages: answer }, 'packages');
}

/** Plain package names, separated by commas or spaces. */
export function packageNames(answer: string): Promise<string | undefined> {
  return problemOf(() => requirePackageNames(packageList(answer)));
}

/** A release: a version (9, 9.3) or a suite name (bookworm), as the `release` option. */
export function releaseName(answer: string): Promise<string | undefined> {
  return problemOf(() => parseRelease(answer));
}

/** A node set such as c[001-100]. */
export function nodeSet(answer: string): Promise<string | undefined> {
  return problemOf(() => expandNodeNames(answer));
}
