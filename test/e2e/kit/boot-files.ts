/**
 * The only boot file a site adds in front of the tool's: the first script
 * its DHCP hands to iPXE, which sets the site-wide variables and chains to
 * the tool's entry script.
 */
/** The site's first script: sets the variables the boot files expect, then chains. */
export function siteChainIpxe(bootFileUrl: string, console = 'console=ttyS0,115200'): string {
  return [
    '#!ipxe',
    '# what a site DHCP server hands to iPXE first (disklessset e2e kit)',
    `set eq-console ${console}`,
    'set eq-kernel-parameters',
    'set dedicated-kernel-parameters',
    `chain ${bootFileUrl}`,
    '',
  ].join('\n');
}
