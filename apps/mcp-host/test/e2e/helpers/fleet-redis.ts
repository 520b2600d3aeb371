import { Redis } from 'ioredis';

/** A reply as ioredis returns it for a raw command: string, integer, nil or an array of them. */
export type RespReply = string | number | null | RespReply[];

/**
 * Sends one raw command on a connection of its own and closes it: the tests talk to Redis directly, as an attacker
 * with access to it would. Bounded by `timeoutMs`; an error reply rejects.
 */
export async function redisCommand(
  url: string,
  args: readonly string[],
  timeoutMs = 2_000,
): Promise<RespReply> {
  const client = new Redis(url, {
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    lazyConnect: true,
  });
  client.on('error', () => {}); // the command's own rejection reports it
  try {
    await client.connect();
    const [command, ...rest] = args as [string, ...string[]];
    return (await client.call(command, ...rest)) as RespReply;
  } finally {
    client.disconnect();
  }
}

/** What {@link tamperSharedMap} wrote. */
export interface TamperedWrite {
  /** The version (fence) the tampered record claims. */
  readonly version: number;
  /** The id the tampered map claims. */
  readonly id: string;
}

/**
 * Rewrites the fleet's shared map in place, the way someone with write access to Redis would: the stored signed
 * text with `mutate` applied (signature left as it was), a newer `generatedAtMs`, a new version taken from the
 * fence counter, and the `map:<version>` notification every host listens to. Key layout: see
 * packages/manifest-cache-redis/src/keys.ts (`<prefix>map` hash, `<prefix>fence`, channel `<prefix>events`).
 */
export async function tamperSharedMap(
  url: string,
  prefix: string,
  mutate: (map: Record<string, unknown>) => Record<string, unknown>,
): Promise<TamperedWrite> {
  // The raw HGETALL reply: field, value, field, value…
  const fields = (await redisCommand(url, ['HGETALL', `${prefix}map`])) as string[];
  const stored = new Map<string, string>();
  for (let index = 0; index + 1 < fields.length; index += 2) {
    stored.set(fields[index] as string, fields[index + 1] as string);
  }
  const text = stored.get('text');
  if (text === undefined) throw new Error(`no map is stored under ${prefix}map`);
  const map = mutate(JSON.parse(text) as Record<string, unknown>);
  const generatedAtMs = Date.parse(String(map.generatedAt));
  const version = (await redisCommand(url, ['INCR', `${prefix}fence`])) as number;
  await redisCommand(url, [
    'HSET',
    `${prefix}map`,
    'text',
    JSON.stringify(map),
    'generatedAtMs',
    String(generatedAtMs),
    'expiresAtMs',
    String(generatedAtMs + 300_000),
    'fence',
    String(version),
  ]);
  await redisCommand(url, ['PUBLISH', `${prefix}events`, `map:${version}`]);
  return { version, id: String(map.id) };
}
