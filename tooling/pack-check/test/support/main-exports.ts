/** What a main export must be at run time: a class (its source starts with `class`) or a plain function. */
export type MainExportKind = 'class' | 'function';

/**
 * The exports a user reaches for first, per package. The ESM and CJS import checks fail when one of these is
 * missing or has the wrong kind in the installed tarball. A package not listed here (a new one) is held to every
 * function or class its workspace build exports; add it here when its API settles.
 */
export const MAIN_EXPORTS: Readonly<Record<string, Readonly<Record<string, MainExportKind>>>> = {
  '@cortex-mcp/connector-proxy': {
    RemoteToolProxy: 'class',
    ConnectorProxyError: 'class',
    ConnectorUnavailableError: 'class',
    preserveNotificationOrder: 'function',
  },
  '@cortex-mcp/manifest-cache': {
    ManifestCache: 'class',
    ManifestCacheError: 'class',
  },
  '@cortex-mcp/manifest-cache-redis': {
    RedisManifestCache: 'class',
    ManifestCacheRedisError: 'class',
  },
  '@cortex-mcp/refresh-scheduler': {
    RefreshScheduler: 'class',
    RefreshSchedulerError: 'class',
  },
  '@cortex-mcp/registry-fs-store': {
    RegistryMemoryCache: 'class',
    RegistryStoreError: 'class',
    readAll: 'function',
    upsert: 'function',
    remove: 'function',
    closeRegistryCache: 'function',
    resolveRegistryPath: 'function',
    parseRegistryText: 'function',
  },
  '@cortex-mcp/service-map-loader': {
    ServiceMapError: 'class',
    loadConnectorServiceMap: 'function',
    parseServiceMap: 'function',
    signServiceMap: 'function',
    verifyServiceMapSignature: 'function',
  },
  '@cortex-mcp/tool-registry': {
    VersionedToolRegistry: 'class',
    ToolRegistryError: 'class',
    toMcpToolName: 'function',
    toolDefinitionHash: 'function',
    diffToolDefinitions: 'function',
  },
};
