import { createHash } from 'node:crypto';

/**
 * Longest public tool (and prompt) name. The 2025-11-25 spec allows 1–128 of `[A-Za-z0-9_.-]`, SEP-986
 * 1–64 of `[A-Za-z0-9_./-]`, and some clients reject longer names: 64 characters of their intersection is
 * a name every client accepts.
 */
export const MCP_TOOL_NAME_MAX_LENGTH = 64;

/**
 * Longest namespace kept in a public name, so that at least 31 characters remain for the tool part.
 * Longer namespaces are shortened like any other name (truncated + hash).
 */
export const MCP_NAMESPACE_MAX_LENGTH = 32;

const VALID_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const ALLOWED_CHARACTER = /^[A-Za-z0-9_.-]$/;
const COMBINING_MARKS = /\p{M}/gu;
const HASH_LENGTH = 8;
const EMPTY_NAME_BASE = 'tool';

/**
 * True when `name` is 1–64 characters of `A-Z a-z 0-9 _ - .`: a tool name every MCP client accepts (the
 * intersection of the 2025-11-25 spec's rule and SEP-986's).
 */
export function isValidMcpToolName(name: string): boolean {
  return VALID_NAME.test(name);
}

/** First 8 hex characters of the SHA-256 of `text` (UTF-8): short, stable across processes and versions. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, HASH_LENGTH);
}

/** A sanitised name and whether information was lost on the way (then it carries a hash). */
export interface SanitisedName {
  readonly name: string;
  readonly lossy: boolean;
}

/**
 * Makes `original` a valid name of at most `maxLength` characters. A name that is already valid and
 * short enough is returned unchanged; anything else gets `_` + {@link shortHash} of the original
 * appended, so two originals that clean up to the same text still get different names.
 */
export function sanitiseName(original: string, maxLength: number): SanitisedName {
  if (original.length <= maxLength && isValidMcpToolName(original)) return { name: original, lossy: false };
  // NFKD + dropping combining marks turns "café" into "cafe" and full-width letters into ASCII,
  // so names stay readable; the hash keeps them unique.
  let base = '';
  for (const character of original.normalize('NFKD').replace(COMBINING_MARKS, '')) {
    base += ALLOWED_CHARACTER.test(character) ? character : '_';
  }
  if (base === '') base = EMPTY_NAME_BASE;
  return { name: withSuffix(base, shortHash(original), maxLength), lossy: true };
}

/** `base_suffix`, with `base` truncated so the whole fits in `maxLength`. */
export function withSuffix(base: string, suffix: string, maxLength: number): string {
  return `${base.slice(0, maxLength - suffix.length - 1)}_${suffix}`;
}

/**
 * Makes any string a valid MCP tool name (1–64 characters of `A-Z a-z 0-9 _ - .`), deterministically.
 *
 * Valid names are returned unchanged. Otherwise each disallowed character becomes `_` (after Unicode
 * NFKD, with combining marks dropped: `café` → `cafe`), an empty result becomes `tool`, and
 * `_` + the first 8 hex characters of the SHA-256 of the original are appended, truncating so the
 * result has at most 64 characters.
 *
 * @example toMcpToolName('search docs') // 'search_docs_' + 8 hex characters
 */
export function toMcpToolName(name: string): string {
  return sanitiseName(name, MCP_TOOL_NAME_MAX_LENGTH).name;
}

/**
 * The public name the registry gives upstream tool `originalName` under `namespace`:
 * `namespace.toolName`, or just `toolName` when `namespace` is `''`. Both parts are sanitised as by
 * {@link toMcpToolName}; the namespace is kept to 32 characters and the whole to 64.
 *
 * Collisions are resolved by the registry, so a registered tool's name can differ from this in the rare
 * case where two tools of one connector map to the same name.
 */
export function publicToolName(namespace: string, originalName: string): string {
  return publicNameParts(namespace, originalName).name;
}

/** {@link publicToolName}, plus whether the tool part lost information. */
export function publicNameParts(namespace: string, originalName: string): SanitisedName {
  if (namespace === '') return sanitiseName(originalName, MCP_TOOL_NAME_MAX_LENGTH);
  const prefix = sanitiseNamespace(namespace);
  const tool = sanitiseName(originalName, MCP_TOOL_NAME_MAX_LENGTH - prefix.length - 1);
  return { name: `${prefix}.${tool.name}`, lossy: tool.lossy };
}

/** A namespace as it appears in public names ('' stays ''). */
export function sanitiseNamespace(namespace: string): string {
  return namespace === '' ? '' : sanitiseName(namespace, MCP_NAMESPACE_MAX_LENGTH).name;
}
