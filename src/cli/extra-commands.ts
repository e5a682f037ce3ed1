/**
 * Core commands that are not about images or kernels (node sets, boot
 * assignment, serving, API tokens). Kept apart from registry.ts so each area
 * can add its commands here without touching the image commands.
 */
import type { CommandSpec } from './command.js';
import { nodesetCommand } from './commands/nodeset/nodeset.js';
import { bootList } from './commands/boot/list.js';
import { bootSet } from './commands/boot/set.js';
import { bootUnset } from './commands/boot/unset.js';
import { bootShow } from './commands/boot/show.js';
import { serveCommand } from './commands/serve/serve.js';
import { httpConfig } from './commands/http-config/http-config.js';
import { apiTokenCreate, apiTokenList, apiTokenRevoke } from './commands/api/token.js';
import { nodeAdd, nodeRemove, nodeSet } from './commands/node/node.js';
import { nodeList, nodeShow } from './commands/node/node-list.js';
import { nodeImport } from './commands/node/import.js';
import { nodeStatusCommand } from './commands/node/status.js';
import { nodeSshKeys } from './commands/node/ssh-keys.js';
import { overlayList, overlayShow } from './commands/overlay/list.js';
import { overlayRender } from './commands/overlay/render.js';
import { overlayBuild } from './commands/overlay/build.js';
import { profileAdd, profileList, profileRemove, profileSet, profileShow } from './commands/profile/profile.js';
import { serverAdd, serverList, serverRemove } from './commands/server/server.js';

export const EXTRA_COMMANDS: CommandSpec[] = [
  nodesetCommand,
  bootSet, bootUnset, bootList, bootShow,
  serveCommand, httpConfig,
  apiTokenCreate, apiTokenList, apiTokenRevoke,
  nodeAdd, nodeSet, nodeRemove, nodeList, nodeShow, nodeImport, nodeStatusCommand, nodeSshKeys,
  overlayList, overlayShow, overlayRender, overlayBuild,
  profileAdd, profileSet, profileRemove, profileList, profileShow,
  serverAdd, serverRemove, serverList,
];
