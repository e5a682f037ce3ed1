/** Node sets in ClusterShell syntax: parse, fold, expand, count, set operations. */
export { NodeSet, foldNodes, expandNodeSet, type NodeSetLike } from './nodeset.js';
export { runNodesetCommand } from './cli.js';
export { isNodeName, expandNodeNames, MAX_NODESET_SIZE, MAX_NODE_NAME_LENGTH } from './node-names.js';
export { NODESET_SYNTAX } from './syntax-error.js';
export { countNodes } from './count-text.js';
