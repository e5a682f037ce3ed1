/**
 * Core commands that are not about images or kernels (node sets, boot
 * assignment, serving, API tokens). Kept apart from registry.ts so each area
 * can add its commands here without touching the image commands.
 */
import type { CommandSpec } from './command.js';
import { nodesetCommand } from './commands/nodeset/nodeset.js';

export const EXTRA_COMMANDS: CommandSpec[] = [nodesetCommand];
