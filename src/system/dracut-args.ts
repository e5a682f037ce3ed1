/**
 * The dracut arguments a site may add (config `dracut_extra_args`, CLI
 * `--dracut-arg`, API `dracutArgs`). The initramfs is served over HTTP to any
 * node, so an argument that makes dracut read a file or folder of the host
 * (`--include`, `--install`, `--conf`, `--kmoddir`, `--fstab`...), run a
 * program (`--compress`) or write elsewhere (an extra positional output path)
 * would publish or change host files. Only an allow-list passes: compression
 * and size flags, and options whose values are names (dracut modules, kernel
 * drivers, file systems) or the kernel command line.
 */
import { UsageError } from '../errors/index.js';

/** Options without a value. */
const FLAGS = new Set([
  '--xz', '--zstd', '--gzip', '--lz4', '--lzo', '--bzip2', '--no-compress', '--strip', '--nostrip', '--hardlink', '--nohardlink',
  '--early-microcode', '--no-early-microcode', '--nolvmconf', '--nomdadmconf', '--no-hostonly', '-N', '--no-hostonly-cmdline',
  '--nofscks', '--ro-mnt', '--reproducible', '--no-reproducible', '--no-machineid', '--kernel-only', '--no-kernel',
  '-v', '--verbose', '-q', '--quiet', '-f', '--force', '--printsize',
]);

/** Options whose value is a list of names (dracut modules, kernel drivers, file systems). */
const NAME_OPTIONS = new Set([
  '-a', '--add', '-o', '--omit', '-m', '--modules', '-d', '--drivers', '--add-drivers', '--force-drivers', '--omit-drivers', '--filesystems',
]);

/** Options whose value is free text that dracut only writes into the initramfs. */
const TEXT_OPTIONS = new Set(['--kernel-cmdline']);

/** Names separated by spaces or commas: no slash, so never a path. */
const NAMES = /^[A-Za-z0-9_.+, -]+$/;

function refuse(arg: string, where: string, why: string): UsageError {
  return new UsageError('E_DRACUT_ARG', `dracut argument ${JSON.stringify(arg)} in ${where} ${why}`,
    'only compression/size flags, --add/--omit/--modules/--add-drivers/--omit-drivers/--filesystems NAMES and --kernel-cmdline TEXT are allowed (see the README)');
}

/**
 * Checks dracut arguments given by a user or the config against the allow
 * lists above; `where` names where they come from for the message. Values
 * may follow their option as the next argument or after `=`.
 * @throws UsageError E_DRACUT_ARG naming the first argument refused and why.
 */
export function checkDracutArgs(args: readonly string[], where: string): void {
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const option = equals > 0 ? arg.slice(0, equals) : arg;
    if (FLAGS.has(option)) {
      if (equals > 0) throw refuse(arg, where, 'takes no value');
      continue;
    }
    const takesNames = NAME_OPTIONS.has(option);
    if (!takesNames && !TEXT_OPTIONS.has(option)) {
      throw refuse(arg, where, option.startsWith('-') ? 'is not allowed (it could read or write files of the host)' : 'is not an option');
    }
    let value: string | undefined;
    if (equals > 0) {
      value = arg.slice(equals + 1);
    } else {
      value = args[i + 1];
      i += 1;
    }
    if (value === undefined) throw refuse(arg, where, 'needs a value');
    if (takesNames ? !NAMES.test(value) : /[\0\r\n]/.test(value)) throw refuse(`${option} ${value}`, where, 'has an invalid value');
  }
}
