import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  API_KEY_PREFIX,
  ApiKeyBook,
  apiKeyDoor,
  KeysFileError,
  newApiKey,
  OPEN_DOOR,
  readKeysFile,
  scopeRefusal,
  writeKeysFile,
} from '../../src/auth/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keys-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('API keys', () => {
  it('makes 256-bit keys with a recognisable prefix, and stores only their hash', () => {
    const { key, entry } = newApiKey('laptop', ['mcp:ops'], new Date('2026-12-08T00:00:00Z'));
    expect(key.startsWith(API_KEY_PREFIX)).toBe(true);
    expect(Buffer.from(key.slice(API_KEY_PREFIX.length), 'base64url')).toHaveLength(32);
    expect(entry).toEqual({
      name: 'laptop',
      hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      scopes: ['mcp:ops'],
      createdAt: '2026-12-08T00:00:00.000Z',
    });
    expect(JSON.stringify(entry)).not.toContain(key.slice(API_KEY_PREFIX.length));
  });

  it('identifies a key by its hash, and nothing else', () => {
    const made = newApiKey('laptop', ['a'], new Date());
    const book = new ApiKeyBook([made.entry]);
    expect(book.identify(made.key)).toEqual({ subject: 'key:laptop', scopes: ['a'] });
    expect(book.identify(`${made.key}x`)).toBeUndefined();
    expect(book.identify('')).toBeUndefined();
    expect(book.identify('x'.repeat(10_000))).toBeUndefined();
  });
});

describe('the keys file', () => {
  it('is empty when missing, round-trips, and is written owner-only', async () => {
    const path = join(dir, 'mcp', 'keys.json');
    expect(await readKeysFile(path)).toEqual({ version: 1, keys: [] });
    const { entry } = newApiKey('ci', [], new Date());
    await writeKeysFile(path, [entry]);
    expect((await readKeysFile(path)).keys).toEqual([entry]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['not JSON', '{', /is not JSON/],
    ['not a keys file', '{"version":2,"keys":[]}', /is not a keys file at version/],
    [
      'a stored key instead of a hash',
      '{"version":1,"keys":[{"name":"a","key":"cmcp_x","scopes":[],"createdAt":"x"}]}',
      /is not a keys file/,
    ],
    [
      'a name twice',
      JSON.stringify({
        version: 1,
        keys: [newApiKey('a', [], new Date()).entry, newApiKey('a', [], new Date()).entry],
      }),
      /names the key "a" twice/,
    ],
  ])('refuses %s, naming the file', async (_what, text, message) => {
    const path = join(dir, 'keys.json');
    await writeFile(path, text);
    const read = readKeysFile(path);
    await expect(read).rejects.toBeInstanceOf(KeysFileError);
    await expect(read).rejects.toThrow(message);
    await expect(read).rejects.toThrow(path);
    expect(await readFile(path, 'utf8')).toBe(text); // nothing rewritten
  });
});

describe('the door', () => {
  const made = newApiKey('laptop', ['mcp:ops'], new Date());
  const door = apiKeyDoor(() => new ApiKeyBook([made.entry]));

  it('lets in "Bearer <key>" (any case of the scheme) as the key’s identity', () => {
    expect(door.check({ authorization: `Bearer ${made.key}` })).toEqual({
      identity: { subject: 'key:laptop', scopes: ['mcp:ops'] },
    });
    expect(door.check({ authorization: `bearer ${made.key}` })).toMatchObject({
      identity: { subject: 'key:laptop' },
    });
  });

  it('refuses no credential, another scheme, and a wrong key with 401 challenges', () => {
    expect(door.check({})).toMatchObject({ refusal: { status: 401, challenge: 'Bearer realm="mcp-host"' } });
    expect(door.check({ authorization: `Basic ${made.key}` })).toMatchObject({ refusal: { status: 401 } });
    expect(door.check({ authorization: 'Bearer cmcp_wrong' })).toMatchObject({
      refusal: { status: 401, challenge: 'Bearer realm="mcp-host", error="invalid_token"' },
    });
  });

  it('asks for a scope only when the door asks for credentials', () => {
    expect(scopeRefusal(undefined, OPEN_DOOR, 'mcp:ops')).toBeUndefined();
    expect(scopeRefusal({ subject: 'key:laptop', scopes: ['mcp:ops'] }, door, 'mcp:ops')).toBeUndefined();
    expect(scopeRefusal({ subject: 'key:other', scopes: [] }, door, 'mcp:ops')).toMatchObject({
      status: 403,
      challenge: 'Bearer realm="mcp-host", error="insufficient_scope", scope="mcp:ops"',
    });
  });
});
