export { RegistryStoreError, type RegistryStoreErrorCode, type RegistryStoreErrorOptions } from './errors.js';
export type { RegistryLogger } from './logger.js';
export { closeRegistryCache, readAll, remove, upsert } from './module-api.js';
export { type RegistryPathEnv, resolveRegistryPath } from './paths.js';
export type { FlushReport, RegistryMemoryCacheOptions } from './registry-cache-options.js';
export {
  type LoadProblem,
  type LoadProblemKind,
  type ParsedRegistry,
  parseRegistryText,
} from './registry-file.js';
export type { RegistryFileHandle, RegistryFs } from './registry-fs.js';
export { RegistryMemoryCache } from './registry-memory-cache.js';
export type { RegistryTimers } from './registry-timers.js';
export {
  type ServerInfo,
  type ServerInfoInput,
  ServerInfoSchema,
  ServerNameSchema,
  SseServerInfoSchema,
  StdioServerInfoSchema,
  StreamableHttpServerInfoSchema,
} from './schema.js';
