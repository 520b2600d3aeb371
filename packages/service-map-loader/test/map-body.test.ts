import { afterEach, describe, expect, it } from 'vitest';
import { type LoadServiceMapOptions, loadConnectorServiceMap, signServiceMap } from '../src/index.js';
import { serviceMapError } from './helpers/catch-error.js';
import { startServer, type TestServer } from './helpers/map-server.js';
import { clock, signedMapText, TEST_KEY, unsignedMap } from './helpers/maps.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serveBody(body: string | Uint8Array): Promise<string> {
  server = await startServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(body);
  });
  return `${server.origin}/map`;
}

async function load(body: string | Uint8Array, extra: Partial<LoadServiceMapOptions> = {}) {
  return loadConnectorServiceMap({
    serviceMapUrl: await serveBody(body),
    signatureKey: TEST_KEY,
    clock,
    ...extra,
  });
}

async function loadError(body: string | Uint8Array, extra: Partial<LoadServiceMapOptions> = {}) {
  return serviceMapError(load(body, extra));
}

function connector(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, version: '1.0.0', name: id, scopes: ['read'], status: 'enabled', ttl: 60, ...extra };
}

function signedWith(overrides: Record<string, unknown>): string {
  return JSON.stringify(signServiceMap(unsignedMap(overrides), TEST_KEY));
}

describe('a map body that is not clean JSON', () => {
  it('reports a truncated body as parse, saying it was cut off and where', async () => {
    const text = signedMapText();
    const error = await loadError(text.slice(0, text.indexOf('"connectors"') + 20));
    expect(error.code).toBe('parse');
    expect(error.message).toMatch(/the JSON ends early at line 1, column \d+/);
    expect(error.message).toContain('cut off');
  });

  it('reports an empty body as parse', async () => {
    const error = await loadError('');
    expect(error.code).toBe('parse');
    expect(error.message).toContain('the body is empty');
  });

  it('rejects a body that starts with a UTF-8 BOM as parse, naming it and where', async () => {
    const error = await loadError(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(signedMapText())]),
    );
    expect(error.code).toBe('parse');
    expect(error.message).toContain('byte order mark');
    expect(error.message).toContain('line 1, column 1');
  });

  it('rejects invalid UTF-8 bytes as parse, naming the offset', async () => {
    const bytes = Buffer.from(signedMapText());
    bytes[40] = 0xff;
    const error = await loadError(bytes);
    expect(error.code).toBe('parse');
    expect(error.message).toContain('not valid UTF-8 (byte 0xff at offset 40)');
  });

  it('rejects nesting deeper than 256 levels as parse instead of overflowing the stack', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const error = await loadError(signedMapText().replace('"brand"', `"deep":${deep},"brand"`));
    expect(error.code).toBe('parse');
    expect(error.message).toContain('deeper than 256 levels at deep');
  });
});

describe('JSON that readers could read differently (ambiguous_json)', () => {
  it.each([
    [
      'at the top level',
      (text: string) => text.replace('"ttlSeconds":300', '"ttlSeconds":300,"ttlSeconds":86400'),
      'ttlSeconds',
    ],
    [
      'inside a connector',
      (text: string) =>
        text.replace('"name":"arXiv"', '"name":"arXiv","endpoint":"https://attacker.example.test/mcp"'),
      'connectors[0].endpoint',
    ],
    [
      'spelled with an escape',
      (text: string) => text.replace('"brand":', '"extra":1,"\\u0065xtra":2,"brand":'),
      'extra',
    ],
    [
      'in an odd member name',
      (text: string) => text.replace('"brand":', '"a b":{"x":1,"x":2},"brand":'),
      '["a b"].x',
    ],
  ])('rejects a duplicate member %s, naming its path', async (_where, edit, path) => {
    const error = await loadError(edit(signedMapText()));
    expect(error.code).toBe('ambiguous_json');
    expect(error.message).toContain(`the member ${path} appears twice`);
  });

  it.each([
    ['9007199254740993', 'sequence'],
    ['-12345678901234567891', 'sequence'],
    ['9007199254740993.0', 'sequence'],
    ['1e400', 'sequence'],
    // JSON.stringify(2 ** 60): the shortest text that reads back as 2^60, but not 2^60 itself.
    ['1152921504606847000', 'sequence'],
  ])('rejects the inexact number %s, naming its path', async (token, path) => {
    const error = await loadError(signedMapText().replace('"brand":', `"sequence":${token},"brand":`));
    expect(error.code).toBe('ambiguous_json');
    expect(error.message).toContain(`the number ${token} at ${path} cannot be represented exactly`);
  });

  it('accepts large numbers whose text a double holds exactly (2^53, 2^53 + 2, 1e+21) and ordinary fractions', async () => {
    const values = [2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e21, 0.1, -2.5e-7];
    const result = await load(signedWith({ sequence: values }).replace('1e+21', '1000000000000000000000'));
    expect(result.notModified === false && result.payload.sequence).toEqual(values);
  });

  it.each([
    ['a lone high surrogate', '\\ud800', 'a string'],
    ['a lone low surrogate', '\\udc00x', 'a string'],
    ['a pair in the wrong order', '\\udc00\\ud800', 'a string'],
  ])('rejects %s in a string, naming its path', async (_name, escaped, kind) => {
    const text = signedMapText().replace('"name":"arXiv"', `"name":"arXiv${escaped}"`);
    const error = await loadError(text);
    expect(error.code).toBe('ambiguous_json');
    expect(error.message).toContain(`${kind} at connectors[0].name`);
    expect(error.message).toContain('unpaired UTF-16 surrogate');
  });

  it('rejects a lone surrogate in a member name', async () => {
    const error = await loadError(signedMapText().replace('"brand":', '"x\\ud800":1,"brand":'));
    expect(error.code).toBe('ambiguous_json');
    expect(error.message).toContain('a member name at (root)');
  });

  it('accepts an escaped surrogate pair', async () => {
    const text = signedWith({ brand: 'brand 😀' }).replace('😀', '\\ud83d\\ude00');
    const result = await load(text);
    expect(result.notModified === false && result.payload.brand).toBe('brand 😀');
  });
});

describe('maps that parse but are refused', () => {
  it('rejects duplicate connector ids as schema, naming the second one', async () => {
    const error = await loadError(
      signedWith({ connectors: [connector('a'), connector('b'), connector('a')] }),
    );
    expect(error.code).toBe('schema');
    expect(error.message).toContain('connectors[2].id: duplicate connector id "a"');
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/plain,hello',
    'ftp://connectors.example.test/mcp',
    'ws://connectors.example.test/mcp',
  ])('rejects the connector endpoint %s as schema, naming its path', async (endpoint) => {
    const error = await loadError(signedWith({ connectors: [connector('a', { endpoint })] }));
    expect(error.code).toBe('schema');
    expect(error.message).toContain('connectors[0].endpoint: expected an http: or https: URL');
  });

  it('rejects 10 000 connectors with too_many_connectors, saying how to raise the cap', async () => {
    const connectors = Array.from({ length: 10_000 }, (_, index) => connector(`c${index}`));
    const text = signedWith({ connectors });
    const error = await loadError(text);
    expect(error.code).toBe('too_many_connectors');
    expect(error.message).toContain('10000 connectors, more than maxConnectors (1000)');
    expect(error.message).toContain('raise maxConnectors');
    const raised = await load(text, { maxConnectors: 10_000 });
    expect(raised.notModified === false && raised.payload.connectors).toHaveLength(10_000);
  });
});
