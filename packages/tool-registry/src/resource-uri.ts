import { shortHash } from './tool-name.js';

/** A URI starts with a scheme (RFC 3986 §3.1): a letter, then letters, digits, `+`, `-` or `.`, then `:`. */
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
/** A namespace used as a prefix unchanged: already lowercase scheme characters, and no `+`. */
const PREFIX_AS_IS = /^[a-z][a-z0-9.-]*$/;
/** What may stand before the first `+` of a prefixed URI (any case: schemes are case-insensitive). */
const PREFIX_CANDIDATE = /^[A-Za-z][A-Za-z0-9.-]*$/;
const NOT_PREFIX_CHARACTER = /[^a-z0-9.-]/g;

/** Longest URI prefix; longer namespaces are shortened (truncated + hash). */
export const URI_PREFIX_MAX_LENGTH = 40;

/** True when `uri` is a string that starts with a URI scheme (`file:`, `git+https:`, ...). */
export function hasUriScheme(uri: unknown): uri is string {
  return typeof uri === 'string' && SCHEME.test(uri);
}

/** The scheme of `uri`, lowercased (schemes are case-insensitive), or undefined without one. */
export function uriScheme(uri: string): string | undefined {
  return SCHEME.exec(uri)?.[1]?.toLowerCase();
}

/**
 * The URI prefix of a connector with effective namespace `namespace` (undefined for `''`: never prefixed).
 *
 * The prefix is a valid start of a URI scheme without `+`, so `<prefix>+<upstream uri>` is a valid URI that
 * splits unambiguously at its FIRST `+` (an upstream `git+https:` stays whole after it). A namespace that is
 * already lowercase `[a-z][a-z0-9.-]*` (and at most 40 characters) is used as is; anything else is lowercased,
 * every character outside `[a-z0-9.-]` becomes `-`, a leading non-letter gets a `c` in front, and `-` + 8 hex
 * of SHA-256(namespace) is appended, at most 40 characters in all. Pure, so every host derives the same one.
 *
 * @example uriPrefixFor('notes') // 'notes'
 * @example uriPrefixFor('My_Notes') // 'my-notes-' + 8 hex characters
 */
export function uriPrefixFor(namespace: string): string | undefined {
  if (namespace === '') return undefined;
  if (namespace.length <= URI_PREFIX_MAX_LENGTH && PREFIX_AS_IS.test(namespace)) return namespace;
  let base = namespace.toLowerCase().replace(NOT_PREFIX_CHARACTER, '-');
  if (!/^[a-z]/.test(base)) base = `c${base}`;
  const suffix = shortHash(namespace);
  return `${base.slice(0, URI_PREFIX_MAX_LENGTH - suffix.length - 1)}-${suffix}`;
}

/** `<prefix>+<uri>`: the prefixed public form of an upstream URI or URI template. */
export function prefixedUri(prefix: string, uri: string): string {
  return `${prefix}+${uri}`;
}

/** A public URI split at its first `+`: the prefix (lowercased) and the upstream URI after it. */
export interface SplitUri {
  readonly prefix: string;
  readonly rest: string;
}

/** Splits a prefixed URI at its first `+`; undefined when what comes before it cannot be a prefix. */
export function splitPrefixedUri(publicUri: string): SplitUri | undefined {
  const plus = publicUri.indexOf('+');
  if (plus < 1) return undefined;
  const candidate = publicUri.slice(0, plus);
  if (!PREFIX_CANDIDATE.test(candidate)) return undefined;
  return { prefix: candidate.toLowerCase(), rest: publicUri.slice(plus + 1) };
}
