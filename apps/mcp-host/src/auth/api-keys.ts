import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

/** The prefix of every key the host makes, so a leaked one is easy to recognise (and to scan for). */
export const API_KEY_PREFIX = 'cmcp_';

/** Longest key the host reads from a request: anything longer is not one of its keys. */
const MAX_KEY_LENGTH = 256;

/** One client's key as the keys file stores it: a name, the scopes it grants, and only a hash of the key. */
export interface ApiKeyEntry {
  readonly name: string;
  /** `sha256:<hex>` of the whole key. The key itself is never stored. */
  readonly hash: string;
  readonly scopes: readonly string[];
  /** ISO 8601. */
  readonly createdAt: string;
}

/** Who a request is: the key's name and the scopes it grants. */
export interface ClientIdentity {
  /** `key:<name>`: stable for the key's life, never secret. */
  readonly subject: string;
  readonly scopes: readonly string[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;

export const apiKeyEntrySchema = z.strictObject({
  name: z.string().regex(NAME),
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  scopes: z.array(z.string().regex(SCOPE)).max(64),
  createdAt: z.string(),
});

export const keysFileSchema = z.strictObject({
  version: z.literal(1),
  keys: z.array(apiKeyEntrySchema).max(10_000),
});

/** What a keys file holds. */
export type KeysFile = z.infer<typeof keysFileSchema>;

/** Whether `name` can name a key: 1–64 of letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
export function isKeyName(name: string): boolean {
  return NAME.test(name);
}

/** Whether `scope` is an OAuth scope token (RFC 6749 §3.3: printable ASCII but space, `"` and `\`). */
export function isScope(scope: string): boolean {
  return SCOPE.test(scope);
}

/** A new random key (256 bits) and the entry that stores its hash. */
export function newApiKey(
  name: string,
  scopes: readonly string[],
  now: Date,
): { key: string; entry: ApiKeyEntry } {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, entry: { name, hash: hashOf(key), scopes: [...scopes], createdAt: now.toISOString() } };
}

function hashOf(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/**
 * The keys a host accepts, looked up by hash. A key is 256 random bits, so one SHA-256 is enough to store it
 * (nothing to brute-force; a slow hash would only slow every request). The lookup compares hashes of what the
 * client sent, never the key, so its timing tells an attacker nothing about a stored key.
 */
export class ApiKeyBook {
  readonly #byHash = new Map<string, ApiKeyEntry>();

  constructor(entries: readonly ApiKeyEntry[]) {
    for (const entry of entries) this.#byHash.set(entry.hash, entry);
  }

  /** How many keys it holds. */
  get size(): number {
    return this.#byHash.size;
  }

  /** The identity `key` proves, or undefined when it is none of the book's keys. */
  identify(key: string): ClientIdentity | undefined {
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) return undefined;
    const hash = hashOf(key);
    const entry = this.#byHash.get(hash);
    if (!entry) return undefined;
    return { subject: `key:${entry.name}`, scopes: entry.scopes };
  }
}
