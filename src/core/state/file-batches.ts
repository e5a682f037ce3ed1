/**
 * Thousands of small file operations at once (a generation of node scripts,
 * the overlay archives of every node): run as synchronous system calls, in
 * slices, yielding to the event loop between slices.
 *
 * Why not the promise API: through the libuv thread pool each operation costs
 * a promise, a hand-over between threads and a wake-up of the main thread,
 * several times the cost of the system call itself; under load the thread
 * switches were most of the system time of `node add` over 10,000 nodes.
 * Why slices: a server process (the API) keeps answering between them.
 */

/** Operations run between two returns to the event loop (about a millisecond or two each when the disk cache is warm). */
const SLICE = 200;

/**
 * Runs `action` on every item in order, synchronously in slices of {@link SLICE}.
 * The first error thrown stops the run and is thrown (items after it are not touched).
 */
export async function inSlices<T>(items: readonly T[], action: (item: T) => void): Promise<void> {
  for (let start = 0; start < items.length; start += SLICE) {
    if (start > 0) await new Promise<void>((resolve) => { setImmediate(resolve); });
    const end = Math.min(items.length, start + SLICE);
    for (let index = start; index < end; index += 1) action(items[index] as T);
  }
}
