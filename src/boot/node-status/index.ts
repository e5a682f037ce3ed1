/** What each node booted: recording in `serve`, and `node status`. */
export { BootRecorder, DEFAULT_FLUSH_INTERVAL_MS, type RecorderOptions } from './recorder.js';
export { nodeStatus, type NodeStatusOptions, type NodeStatus, type NodeStatusReport, type FileStatus, type NodeState } from './status.js';
export { readLastSeen, readRecords, MAX_UNKNOWN_KEPT, type BootRecords, type NodeBootRecord, type UnknownRequest } from './boot-records.js';
