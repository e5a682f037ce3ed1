/**
 * The one home of iPXE text: every script nodes download is rendered by the
 * functions exported here, and every value from users, config or image data
 * goes through the one quoting rule of ./ipxe/quote.ts. Pure functions:
 * callers decide where the text is written.
 */
export { ipxeArguments, ipxeText, ipxeWord } from './ipxe/quote.js';
export { bootUrls, imageBootUrl, nodeQuery, NODE_VARIABLE, type BootUrls } from './ipxe/urls.js';
export { livenetBootFile, type LivenetBootSettings } from './ipxe/livenet.js';
export { nfsBootFile, type NfsBootFileInput } from './ipxe/nfs.js';
export { demoBootFile } from './ipxe/demo.js';
export { KERNEL_ARGS_VARIABLE, nodeScript } from './ipxe/node-script.js';
export { entryScript, type MenuImage } from './ipxe/menu.js';
