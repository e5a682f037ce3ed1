/** Boot assignment: per-node iPXE scripts, the entry script and its menu. */
export { setBoot, unsetBoot, listBoot, bootOf, nodesBooting } from './boot-assignments.js';
export type { ImageAssignment, SetBootResult, UnsetBootResult } from './boot-assignments.js';
export { refreshBootMenu } from './entry-script.js';
export { installBootGuards } from './boot-guards.js';
export { entryScriptPath, nodeScriptPath } from './boot-paths.js';
export { withNodeRoots, NodeRootsMissingError } from './node-roots.js';
export type { MissingRoots } from './node-roots.js';
