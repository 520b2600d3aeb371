export { ManifestCacheError, type ManifestCacheErrorCode } from './errors.js';
export { ManifestCache } from './manifest-cache.js';
export type {
  ManifestCacheErrorSummary,
  ManifestCacheLike,
  ManifestCacheOptions,
  ManifestCacheState,
  ManifestCacheStatus,
  ManifestLifetime,
  ManifestLoader,
  ManifestLoadResult,
} from './types.js';
