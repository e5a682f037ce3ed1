/**
 * The list of commands: the core's, then each working module's under its
 * name. Adding a module adds its commands; nothing here names a module.
 */
import type { ModuleDescriptor } from '../modules/contract.js';
import type { CommandSpec } from './command.js';
import { imageClean } from './commands/image/clean.js';
import { imageList } from './commands/image/list.js';
import { imageRebuild } from './commands/image/rebuild.js';
import { imageHistory } from './commands/image/history.js';
import { imageRollback } from './commands/image/rollback.js';
import { imageDiff } from './commands/image/diff.js';
import { imageRemove } from './commands/image/remove.js';
import { imageSetKernel } from './commands/image/set-kernel.js';
import { imageShow } from './commands/image/show.js';
import { kernelAdd } from './commands/kernel/add.js';
import { kernelInitramfs } from './commands/kernel/initramfs.js';
import { kernelList } from './commands/kernel/list.js';
import { moduleList } from './commands/module/list.js';

/** Commands that do not depend on any module. */
export const CORE_COMMANDS: CommandSpec[] = [
  imageList, imageShow, imageRemove, imageClean, imageSetKernel, imageRebuild, imageHistory, imageRollback, imageDiff,
  kernelList, kernelAdd, kernelInitramfs,
  moduleList,
];

/** Core commands plus every module's, prefixed with the module name. */
export function allCommands(modules: readonly ModuleDescriptor[], extra: readonly CommandSpec[] = []): CommandSpec[] {
  const moduleCommands = modules.flatMap((m) => (m.commands ?? []).map((c) => ({ ...c, path: [m.name, ...c.path] })));
  return [...CORE_COMMANDS, ...extra, ...moduleCommands];
}
