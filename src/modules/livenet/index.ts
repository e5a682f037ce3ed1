/** The livenet module: RAM-booted images (dracut `root=live:`), their commands and menu. */
import { MODULE_API_VERSION, type ModuleDescriptor } from '../contract.js';
import { livenetCommands } from './commands.js';
import { LivenetImageClass } from './livenet-class.js';
import { livenetMenu } from './menu.js';

const livenetModule: ModuleDescriptor = {
  name: 'livenet',
  apiVersion: MODULE_API_VERSION,
  description: 'Livenet images: an OS downloaded at boot and run from RAM',
  imageClasses: [LivenetImageClass],
  commands: livenetCommands,
  menu: livenetMenu,
  requiredTools: ['mksquashfs', 'unsquashfs', 'mkfs.ext4', 'e2fsck', 'resize2fs', 'debugfs', 'lsinitrd'],
};

export default livenetModule;
