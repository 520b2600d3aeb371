export type {
  ConnectorCallStats,
  ConnectorStatus,
  HostStatus,
  MapStatus,
  SyncSummary,
} from './host-status.js';
export { type HeldMapFacts, type PreliminaryStatusFacts, preliminaryStatus } from './preliminary-status.js';
export { disabledStatus, emptyMapStatus, skippedStatus } from './status-entries.js';
