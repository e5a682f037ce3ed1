/**
 * The contract every image module fulfils, built-in or third-party: a default
 * export (or named `module` export) of a {@link ModuleDescriptor}.
 */
import type { AnyImageClass } from '../core/image/image.js';
import type { CommandSpec } from '../cli/command.js';
import type { MenuAction } from '../cli/menu/menu-ui.js';

/** Version of this contract. A module declaring another version is refused. */
export const MODULE_API_VERSION = 1;

/** What a module exports. */
export interface ModuleDescriptor {
  /** Lower-case word; also the CLI noun (`disklessset <name> ...`). */
  name: string;
  apiVersion: number;
  description: string;
  /** Image classes it provides. */
  imageClasses: AnyImageClass[];
  /** CLI subcommands, paths relative to the module name. */
  commands?: CommandSpec[];
  /** Actions of its interactive menu (main menu entry 1). */
  menu?: MenuAction[];
  /** System programs it needs (checked and reported by `module list`). */
  requiredTools?: string[];
}

/** A module as discovered. */
export interface LoadedModule {
  /** Where it was found. */
  source: string;
  builtin: boolean;
  status: 'ok' | 'broken';
  /** Set when status is 'ok'. */
  descriptor?: ModuleDescriptor;
  /** Why it is broken. */
  error?: string;
  /** Required tools not found on PATH. */
  missingTools?: string[];
}
