// The package's main entry, as the lock file's version (10.x) exports it: `Server` beside the client.
// (The `bittorrent-tracker/server` subpath, declared in src/core/image/torrent-libs.d.ts, is exported from 11.x on.)
declare module 'bittorrent-tracker' {
  export { default as Server } from 'bittorrent-tracker/server';
}
