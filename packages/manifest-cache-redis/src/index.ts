export { ManifestCacheRedisError, type ManifestCacheRedisErrorCode } from './errors.js';
export type { FleetStatus } from './fleet-status.js';
export type {
  FleetChange,
  FleetChangeSource,
  FleetTimers,
  RedisHealth,
  RedisLogger,
  RedisManifestCacheOptions,
  VerifiedManifest,
} from './options.js';
export { RedisManifestCache } from './redis-manifest-cache.js';
export type {
  SharedCatalogue,
  SharedCatalogueEntry,
  SharedCatalogueExtras,
  SharedCatalogueInput,
  SharedCatalogueSnapshot,
} from './shared-catalogue.js';
export type { RejectionSummary } from './shared-reader.js';
export type { ManifestText, StoredManifest } from './stored-manifest.js';
