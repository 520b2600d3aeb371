import type { NamePrefixMode } from './catalogue-kind.js';
import { ToolRegistryError } from './errors.js';

const MODES: readonly NamePrefixMode[] = ['always', 'conditional', 'never'];

/** The `prefix` option, defaulted to `'always'`. @throws {ToolRegistryError} `invalid_options` otherwise. */
export function resolvePrefixMode(value: unknown): NamePrefixMode {
  if (value === undefined) return 'always';
  if (MODES.includes(value as NamePrefixMode)) return value as NamePrefixMode;
  throw new ToolRegistryError(
    'invalid_options',
    `Option prefix is ${JSON.stringify(value)}; pass 'always', 'conditional' or 'never' (or leave it out for 'always').`,
  );
}

/**
 * Whether an item of a connector with effective `namespace` is published prefixed. A connector whose
 * namespace is `''` is never prefixed; otherwise `'always'` always, `'never'` never, and `'conditional'`
 * exactly when two or more connectors claim the item's bare name (or URI) in its kind.
 */
export function wantsPrefix(mode: NamePrefixMode, namespace: string, contested: () => boolean): boolean {
  if (namespace === '' || mode === 'never') return false;
  return mode === 'always' || contested();
}
