import { connect } from 'node:net';

/** A RESP reply: simple/bulk string, integer, nil, array. An error reply rejects instead. */
export type RespReply = string | number | null | RespReply[];

/** Parses one reply from `buffer` at `offset`; `undefined` while it is incomplete. */
function parseReply(buffer: Buffer, offset: number): { value: RespReply; next: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n', offset);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buffer[offset] as number);
  const line = buffer.toString('utf8', offset + 1, lineEnd);
  const next = lineEnd + 2;
  if (type === '+') return { value: line, next };
  if (type === '-') throw new Error(`Redis answered an error: ${line}`);
  if (type === ':') return { value: Number(line), next };
  if (type === '$') {
    const length = Number(line);
    if (length < 0) return { value: null, next };
    if (buffer.length < next + length + 2) return undefined;
    return { value: buffer.toString('utf8', next, next + length), next: next + length + 2 };
  }
  if (type === '*') {
    const count = Number(line);
    if (count < 0) return { value: null, next };
    const items: RespReply[] = [];
    let cursor = next;
    for (let index = 0; index < count; index += 1) {
      const item = parseReply(buffer, cursor);
      if (!item) return undefined;
      items.push(item.value);
      cursor = item.next;
    }
    return { value: items, next: cursor };
  }
  throw new Error(`unexpected RESP type ${JSON.stringify(type)}`);
}

/**
 * Sends one command to the Redis at `url` over a fresh connection and resolves with its reply — the test talks to
 * Redis directly, as an attacker with access to it would. Bounded by `timeoutMs`.
 */
export function redisCommand(url: string, args: readonly string[], timeoutMs = 2_000): Promise<RespReply> {
  const { hostname, port } = new URL(url);
  const payload = `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const socket = connect(Number(port), hostname, () => socket.write(payload));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`Redis did not answer ${args[0]} within ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = (error: unknown, value?: RespReply) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(value as RespReply);
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      try {
        const reply = parseReply(received, 0);
        if (reply) finish(undefined, reply.value);
      } catch (error) {
        finish(error);
      }
    });
    socket.once('error', (error) => finish(error));
  });
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
