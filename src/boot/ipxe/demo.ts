/** The boot file of a demo image: not a bootable OS, it only shows the image's message. */
import { ipxeText, ipxeWord } from './quote.js';

/**
 * Text of a demo image's `boot.ipxe`, as the original's placeholder did.
 * @throws UsageError `E_IPXE_VALUE` when the name could not stand in a script.
 */
export function demoBootFile(name: string, message: string): string {
  return `#!ipxe\necho Demo image ${ipxeWord(name, 'image name')}: ${ipxeText(message)}\nprompt Press a key to continue\nexit\n`;
}
