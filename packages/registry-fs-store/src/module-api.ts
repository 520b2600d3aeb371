import { resolveRegistryPath } from './paths.js';
import { RegistryMemoryCache } from './registry-memory-cache.js';
import type { ServerInfo, ServerInfoInput } from './schema.js';

let cachePromise: Promise<RegistryMemoryCache> | undefined;
let exitHookInstalled = false;

/**
 * The process-wide cache at `resolveRegistryPath()`, created and initialised on first use. The path
 * is read from the environment at that moment. A failed `init()` is not remembered: the next call retries.
 */
function sharedCache(): Promise<RegistryMemoryCache> {
  if (!cachePromise) {
    const cache = new RegistryMemoryCache({ registryPath: resolveRegistryPath() });
    const promise = cache.init().then(() => cache);
    cachePromise = promise;
    promise.catch(() => {
      if (cachePromise === promise) cachePromise = undefined;
    });
    installExitHook();
  }
  return cachePromise;
}

/**
 * The timer is unref'd, so a process that simply runs out of work would exit with changes still in
 * memory. `beforeExit` fires exactly then (not on `process.exit()` or signals): close once, which flushes.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('beforeExit', onBeforeExit);
}

function onBeforeExit(): void {
  exitHookInstalled = false;
  closeRegistryCache().catch(() => undefined);
}

/**
 * All registered servers, sorted by name (copies).
 *
 * @throws RegistryStoreError `read_failed` or `unsupported_version` when the file cannot be loaded.
 */
export async function readAll(): Promise<ServerInfo[]> {
  return (await sharedCache()).getAll();
}

/**
 * Adds or replaces a server (by name) in the shared registry; written within the flush interval.
 *
 * @throws RegistryStoreError `invalid_server` naming the bad field.
 */
export async function upsert(server: ServerInfoInput): Promise<ServerInfo> {
  return (await sharedCache()).upsert(server);
}

/** Removes a server from the shared registry; resolves to whether it existed. */
export async function remove(name: string): Promise<boolean> {
  return (await sharedCache()).remove(name);
}

/**
 * Writes pending changes and drops the shared cache; the next call loads the file again. Call it on
 * shutdown. A no-op when no cache exists.
 *
 * @throws RegistryStoreError `write_failed` / `lock_timeout` when the final write fails, `read_only` when the
 *   file could not be read at start-up and changes were made (the data is then lost).
 */
export async function closeRegistryCache(): Promise<void> {
  const pending = cachePromise;
  cachePromise = undefined;
  if (exitHookInstalled) {
    process.off('beforeExit', onBeforeExit);
    exitHookInstalled = false;
  }
  const cache = await pending?.catch(() => undefined);
  await cache?.close();
}
