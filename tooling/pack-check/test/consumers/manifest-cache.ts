// A user's module against @cortex-mcp/manifest-cache's published types; pack-check type-checks it in the scratch
// project under node16 (ESM and CJS) and bundler resolution. Never run: it only has to compile.
import {
  ManifestCache,
  ManifestCacheError,
  type ManifestCacheErrorCode,
  type ManifestCacheState,
  type ManifestLoader,
} from '@cortex-mcp/manifest-cache';

interface Catalogue {
  readonly tools: readonly string[];
}

const loadCatalogue: ManifestLoader<Catalogue> = async () => ({
  value: { tools: ['search'] },
  ttlMs: 60_000,
});

export const cache = new ManifestCache<Catalogue>({ clock: () => 0 });
export const catalogue: Promise<Catalogue> = cache.getOrLoad(loadCatalogue);
export const state: ManifestCacheState = cache.inspect();

export function errorCode(error: unknown): ManifestCacheErrorCode | undefined {
  return error instanceof ManifestCacheError ? error.code : undefined;
}

export function storeForever(value: Catalogue): void {
  // @ts-expect-error a lifetime needs ttlMs or expiresAtMs; fails to compile if the types degrade to `any`.
  cache.set(value, {});
}
