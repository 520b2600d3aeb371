import type { ServerInfo } from '@cortex-mcp/registry-fs-store';
import type { ServiceMapPayload } from '@cortex-mcp/service-map-loader';
import type { HostConfig } from '../../config/index.js';
import type { DoctorCheck } from './check.js';

/** Shorter values are not scrubbed: they would also match ordinary words and numbers in the report. */
const MIN_SECRET_LENGTH = 6;
const HIDDEN = '(hidden)';

/**
 * The secret values the doctor may come across: signature keys, the API key, the Redis URL and its credentials, and
 * the header and env values of every connector. The checks are built to never include them; scrubbing is the second line of defence
 * against an upstream or library message that quotes one.
 */
export function collectSecrets(
  config: HostConfig,
  servers: readonly ServerInfo[],
  map: ServiceMapPayload | undefined,
): string[] {
  const values = [...config.signatureKeys, config.apiKey, ...redisSecrets(config.redisUrl)];
  for (const server of servers) {
    if (server.transport === 'stdio') values.push(...Object.values(server.env ?? {}));
    else values.push(...Object.values(server.headers ?? {}).flatMap(headerSecrets));
  }
  for (const connector of map?.connectors ?? []) {
    values.push(...Object.values(connector.headers ?? {}).flatMap(headerSecrets));
  }
  const secrets = values.filter(
    (value): value is string => typeof value === 'string' && value.length >= MIN_SECRET_LENGTH,
  );
  // Longest first, so a secret that contains another is hidden whole.
  return [...new Set(secrets)].sort((a, b) => b.length - a.length);
}

/**
 * A Redis URL with credentials, and its user name and password (as written and decoded), which a library message
 * may quote alone. A URL without them is an address, shown as such ("redis://127.0.0.1:6379 answers").
 */
function redisSecrets(url: string | undefined): string[] {
  if (url === undefined) return [];
  try {
    const { username, password } = new URL(url);
    if (username === '' && password === '') return [];
    return [url, username, password, decodeURIComponent(username), decodeURIComponent(password)];
  } catch {
    return [url];
  }
}

/** A header value and, for "Bearer <token>"-style values, the token alone. */
function headerSecrets(value: string): string[] {
  const token = value.trim().split(/\s+/).at(-1);
  return token === undefined || token === value ? [value] : [value, token];
}

/** The check with every secret value replaced by "(hidden)" in its texts. */
export function scrubCheck(entry: DoctorCheck, secrets: readonly string[]): DoctorCheck {
  if (secrets.length === 0) return entry;
  const scrub = (text: string | undefined) =>
    text === undefined
      ? undefined
      : secrets.reduce((result, secret) => result.split(secret).join(HIDDEN), text);
  return { ...entry, detail: scrub(entry.detail) as string, fix: scrub(entry.fix) };
}
