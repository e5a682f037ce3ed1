/**
 * The NFS module: staging images (an OS tree booted read-write over NFS),
 * golden images (a frozen copy with one writable tree per node), their node
 * lists, NFS exports and boot files.
 */
import { MODULE_API_VERSION, type ModuleDescriptor } from '../contract.js';
import { NfsGoldenImageClass } from './golden-image.js';
import { NfsStagingImageClass } from './staging-image.js';
import { exportsCommand, goldenCreate, stagingCreate } from './image-commands.js';
import { nodesAdd, nodesList, nodesRemove } from './node-commands.js';
import { nfsMenu } from './menu.js';

const nfsModule: ModuleDescriptor = {
  name: 'nfs',
  apiVersion: MODULE_API_VERSION,
  description: 'NFS images: staging trees and golden images with one writable root per node',
  imageClasses: [NfsStagingImageClass, NfsGoldenImageClass],
  commands: [stagingCreate, goldenCreate, nodesAdd, nodesRemove, nodesList, exportsCommand],
  menu: nfsMenu,
  requiredTools: ['cp', 'sync'],
};

export default nfsModule;
