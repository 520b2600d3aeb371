import { describe, expect, it } from 'vitest';
import { parseRegistryText, ServerInfoSchema } from '../src/index.js';

function errorsOf(input: unknown): string[] {
  const result = ServerInfoSchema.safeParse(input);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('ServerInfoSchema', () => {
  it('defaults enabled to true and trims the name', () => {
    expect(ServerInfoSchema.parse({ name: ' files ', transport: 'stdio', command: 'npx' })).toEqual({
      name: 'files',
      transport: 'stdio',
      command: 'npx',
      enabled: true,
    });
  });

  it.each([
    ['', 'name: must not be empty'],
    ['has space', 'name: must start with a letter or digit and use only A-Z a-z 0-9 . _ -'],
    ['-leading-dash', 'name: must start with a letter or digit and use only A-Z a-z 0-9 . _ -'],
    ['x'.repeat(65), 'name: must be at most 64 characters'],
  ])('rejects the name %j', (name, expected) => {
    expect(errorsOf({ name, transport: 'stdio', command: 'npx' })).toContain(expected);
  });

  it('accepts 64-character names with dots, dashes and underscores', () => {
    const name = `a.b_c-${'d'.repeat(58)}`;
    expect(ServerInfoSchema.parse({ name, transport: 'stdio', command: 'x' }).name).toBe(name);
  });

  it.each(['ftp://x.example/', 'file:///etc/passwd', 'ws://x.example/', 'not a url'])(
    'rejects the remote url %j',
    (url) => {
      expect(errorsOf({ name: 'r', transport: 'streamable-http', url })).toEqual([
        'url: must be an http: or https: URL',
      ]);
    },
  );

  it('rejects an unknown transport', () => {
    expect(errorsOf({ name: 'r', transport: 'websocket', url: 'https://x.example' })).toEqual([
      "transport: Invalid discriminator value. Expected 'stdio' | 'sse' | 'streamable-http'",
    ]);
  });

  it('rejects fields of another transport and misspelled fields', () => {
    expect(errorsOf({ name: 'r', transport: 'stdio', command: 'x', url: 'https://x.example' })).toEqual([
      ': Unrecognized key: "url"',
    ]);
    expect(errorsOf({ name: 'r', transport: 'stdio', command: 'x', agrs: [] })).toEqual([
      ': Unrecognized key: "agrs"',
    ]);
  });

  it('requires string values in env and headers', () => {
    expect(errorsOf({ name: 'r', transport: 'stdio', command: 'x', env: { PORT: 80 } })).toEqual([
      'env.PORT: Invalid input: expected string, received number',
    ]);
    expect(errorsOf({ name: 'r', transport: 'sse', url: 'https://x.example', headers: { a: true } })).toEqual(
      ['headers.a: Invalid input: expected string, received boolean'],
    );
  });

  it('accepts JSON metadata and rejects values that cannot be written as JSON', () => {
    const metadata = { tags: ['a'], nested: { n: 1, ok: true, none: null } };
    expect(
      ServerInfoSchema.parse({ name: 'r', transport: 'stdio', command: 'x', metadata }).metadata,
    ).toEqual(metadata);
    expect(errorsOf({ name: 'r', transport: 'stdio', command: 'x', metadata: { big: 1n } })).toHaveLength(1);
    expect(errorsOf({ name: 'r', transport: 'stdio', command: 'x', metadata: { fn: () => 1 } })).toHaveLength(
      1,
    );
  });
});

describe('parseRegistryText', () => {
  it('reports an unknown version as corrupt and a newer one as unsupported', () => {
    expect(parseRegistryText('{"version": "1", "servers": []}')).toMatchObject({ kind: 'corrupt' });
    expect(parseRegistryText('{"version": 3, "servers": []}')).toEqual({
      kind: 'unsupported_version',
      version: 3,
    });
    expect(parseRegistryText('42')).toMatchObject({ kind: 'corrupt' });
  });

  it('names the unknown field of an invalid entry and suggests metadata', () => {
    const parsed = parseRegistryText('[{"name":"a","transport":"stdio","command":"x","description":"d"}]');
    expect(parsed).toEqual({
      kind: 'ok',
      servers: [],
      problems: [
        {
          kind: 'invalid_entry',
          index: 0,
          name: 'a',
          message: 'servers[0] "a": unknown field "description" (put free-form data in "metadata")',
        },
      ],
    });
  });
});
