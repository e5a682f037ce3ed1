/**
 * Firmware of a QEMU node: SeaBIOS (QEMU's default, iPXE from the NIC's
 * legacy ROM) or UEFI with OVMF (Debian package `ovmf`), where the same NIC
 * ROM file's EFI driver (package `ipxe-qemu`) runs iPXE's EFI build, which
 * OVMF starts as the NIC's "UEFI PXEv4" boot entry.
 *
 * OVMF keeps its settings (boot entries) in a writable variable store: each
 * node gets its own copy of the empty template, so nodes never share or
 * inherit one another's boot entries.
 */
import { access, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UnavailableError } from '../../../src/errors/index.js';

/** The firmware a node boots with. */
export type Firmware = 'bios' | 'uefi';

/** Where Debian's `ovmf` package puts its 4 MiB images (DISKLESS_E2E_OVMF_DIR overrides). */
export function ovmfDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DISKLESS_E2E_OVMF_DIR ?? '/usr/share/OVMF';
}

/** OVMF's code image (read-only) and the template of its variable store. */
export interface OvmfFiles {
  code: string;
  varsTemplate: string;
}

/** The OVMF images in `dir`. */
export function ovmfFiles(dir = ovmfDir()): OvmfFiles {
  return { code: join(dir, 'OVMF_CODE_4M.fd'), varsTemplate: join(dir, 'OVMF_VARS_4M.fd') };
}

/**
 * Checks that OVMF is installed and copies a fresh variable store to
 * `varsCopy` for one node.
 * @throws UnavailableError E_E2E_OVMF_MISSING naming the missing file and the package to install.
 */
export async function prepareUefiVars(varsCopy: string, files: OvmfFiles = ovmfFiles()): Promise<void> {
  for (const file of [files.code, files.varsTemplate]) {
    try {
      await access(file);
    } catch {
      throw new UnavailableError('E_E2E_OVMF_MISSING', `UEFI boot needs OVMF, and ${file} is missing`,
        'install the Debian package ovmf (scripts/install-deps.sh does), or point DISKLESS_E2E_OVMF_DIR at a folder holding OVMF_CODE_4M.fd and OVMF_VARS_4M.fd');
    }
  }
  await copyFile(files.varsTemplate, varsCopy);
}

/** QEMU arguments that give a node OVMF: the code read-only, its own variable store writable. */
export function uefiFirmwareArgs(varsCopy: string, files: OvmfFiles = ovmfFiles()): string[] {
  return [
    '-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${files.code}`,
    '-drive', `if=pflash,format=raw,unit=1,file=${varsCopy}`,
  ];
}
