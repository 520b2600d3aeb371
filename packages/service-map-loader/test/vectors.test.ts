import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConnectorServiceMap, ServiceMapError } from '../src/index.js';
import { startServer, type TestServer } from './helpers/map-server.js';

interface VectorCase {
  name: string;
  key?: string;
  keys?: string[];
  text: string;
  valid: boolean;
  expiresAtMs?: number;
  reason?: 'parse' | 'schema' | 'signature';
}

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixturePath = path.join(packageDir, 'test/fixtures/service-map-signatures.json');
const sharedPath = path.resolve(packageDir, '../../../shared/vectors/service-map-signatures.json');
const vectors = JSON.parse(readFileSync(fixturePath, 'utf8')) as { cases: VectorCase[] };
// Long after the vectors' generatedAt: expired maps must still load.
const clock = () => Date.parse('2030-01-01T00:00:00.000Z');

describe('interop vectors', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer((request, response) => {
      const index = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('case'));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(vectors.cases[index]?.text);
    });
  });
  afterAll(() => server.close());

  it.skipIf(!existsSync(sharedPath))('keeps the fixture byte-identical to the shared vectors file', () => {
    expect(readFileSync(fixturePath).equals(readFileSync(sharedPath))).toBe(true);
  });

  it('covers valid and invalid cases', () => {
    expect(vectors.cases.filter((c) => c.valid).length).toBeGreaterThan(0);
    expect(vectors.cases.filter((c) => !c.valid).length).toBeGreaterThan(0);
  });

  vectors.cases.forEach((vector, index) => {
    it(`${vector.valid ? 'accepts' : `rejects at ${vector.reason}`}: ${vector.name}`, async () => {
      const load = loadConnectorServiceMap({
        serviceMapUrl: `${server.origin}/map?case=${index}`,
        signatureKey: vector.key,
        signatureKeys: vector.keys,
        clock,
        timeoutMs: 5_000,
      });
      if (vector.valid) {
        const result = await load;
        expect(result.notModified).toBe(false);
        if (result.notModified) return;
        expect(result.expiresAtMs).toBe(vector.expiresAtMs);
        expect(result.text).toBe(vector.text);
        expect(result.payload.connectors.map((c) => c.id)).toEqual(['arxiv', 'wikidata', 'legacy-disabled']);
      } else {
        const error = await load.catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(ServiceMapError);
        expect((error as ServiceMapError).code).toBe(vector.reason);
      }
    });
  });
});
