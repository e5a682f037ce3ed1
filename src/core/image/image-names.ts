/** Validation of image names: they become folder names and URL parts. */
import { UsageError } from '../errors.js';

const NAME_PATTERN = /^[A-Za-z0-9_+][A-Za-z0-9_.+-]{0,63}$/;

/** Throws E_IMAGE_NAME unless `name` is 1-64 of `[A-Za-z0-9_.+-]`, not starting with `-` or `.`. */
export function validateImageName(name: string): string {
  if (!NAME_PATTERN.test(name)) {
    const shown = JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}...` : name);
    throw new UsageError('E_IMAGE_NAME', `invalid image name ${shown}`,
      'use 1 to 64 letters, digits or -_.+, not starting with - or .');
  }
  return name;
}
