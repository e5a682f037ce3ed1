/**
 * Public API of disklessset, for programs that manage diskless images without
 * the CLI: `import { openServices, ImageManager } from 'disklessset'`.
 */
export { openServices, type Services, type OpenOptions } from './services/services.js';
export { ImageManager, type ImageSummary, type CreateOptions, type RemovalGuard } from './core/image/image-manager.js';
export { Image, type ImageClass, type AnyImageClass, type ImageAccess, type RebuildServices, type CreationRequest, IMAGE_DATA_FILE, BOOT_FILE } from './core/image/image.js';
export { prepareCreation, requireFreeName } from './core/image/creation.js';
export { OS_OPTIONS, type OsOptionEntry, type OsOrigin } from './core/os/recipe-table.js';
export { parseOsOptions, type OsRecipe, type OsInput } from './core/os/recipe.js';
export { BuildJournal } from './core/image/build-journal.js';
export type { ImageContext } from './core/image/context.js';
export type { CoreServices } from './core/core-services.js';
export { loadImageData, saveImageData, publicAttributes, type ImageData } from './core/image/image-data.js';
export { validateImageName, validateKernelName, validateTokenId } from './core/names.js';
export { KernelManager, kernelVersion, initramfsName, type KernelInfo, type InitramfsOptions } from './core/kernel/kernel-manager.js';
export { Paths, DEFAULT_PATHS, type PathKey } from './core/paths.js';
export { loadConfig, type DisklessConfig } from './core/config.js';
export { InstallationsRegistry, type InstallationEntry, type ImageStatus } from './core/state/installations.js';
export * from './errors/index.js';
export type { ProgressEvent, ProgressSink, ProgressUnit } from './core/progress.js';
export { MODULE_API_VERSION, type ModuleDescriptor, type LoadedModule } from './modules/contract.js';
export type { CommandSpec, CommandContext, CommandResult } from './cli/command.js';
export type { MenuAction, MenuUi } from './cli/menu/menu-ui.js';
export { run, CommandError, type RunOptions, type RunResult } from './system/runner.js';
export { NodeSet, foldNodes, expandNodeSet } from './nodeset/index.js';
