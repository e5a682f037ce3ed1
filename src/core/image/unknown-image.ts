/**
 * An image whose module is not installed: still listed and shown with its
 * attributes, and removable, but it cannot be rebuilt or booted from here.
 */
import { Image } from './image.js';

/** An image of a class no loaded module provides: listed, shown and removed by its folder, never booted or rebuilt. */
export class UnknownImage extends Image {

  bootFile(): string | undefined {
    return undefined;
  }
}
