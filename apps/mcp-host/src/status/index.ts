export type {
  ConnectorCallStats,
  ConnectorStatus,
  HostStatus,
  MapStatus,
  RegistryStatus,
  SyncSummary,
} from './host-status.js';
export { type HeldMapFacts, type PreliminaryStatusFacts, preliminaryStatus } from './preliminary-status.js';
export { registryStatus } from './registry-status.js';
export { disabledStatus, emptyMapStatus, skippedStatus } from './status-entries.js';
