import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { computeServiceMapSignature, signServiceMap } from '@cortex-mcp/service-map-loader';
import { afterAll, describe, expect, it } from 'vitest';
import { linesOf, runCli } from './cli-process.js';

const directory = mkdtempSync(path.join(os.tmpdir(), 'mcp-host-sign-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const baseEnv = { CORTEX_HOME: path.join(directory, 'home'), HOME: directory };
const key = 'producer-key-do-not-print';

function manifest(generatedAt: Date, ttlSeconds = 300) {
  return {
    id: '01JH2Z8XQ5T3V9W7Y1A4B6C8D0',
    brand: 'brAInwav',
    generatedAt: generatedAt.toISOString(),
    ttlSeconds,
    // Unknown members must be signed too.
    producer: { region: 'eu', build: 7 },
    connectors: [
      {
        id: 'arxiv',
        version: '1.0.0',
        name: 'arXiv',
        scopes: ['search:query'],
        status: 'enabled',
        ttl: 300,
        endpoint: 'https://bot:hunter2@arxiv.example/mcp?token=abc123',
        auth: { type: 'bearer' },
      },
      { id: 'wikidata', version: '2.1.0', name: 'Wikidata', scopes: [], status: 'disabled', ttl: 60 },
    ],
  };
}

function writeJson(name: string, value: unknown): string {
  const file = path.join(directory, name);
  writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}

describe('mcp-host sign and verify', () => {
  it('signs a manifest into a file that verify accepts, listing connectors without credentials', async () => {
    const source = writeJson('round-trip.json', manifest(new Date()));
    const signedPath = path.join(directory, 'round-trip.signed.json');
    const env = { ...baseEnv, CONNECTORS_SIGNATURE_KEY: key };

    const signed = await runCli(['sign', source, '--out', signedPath], { env });
    expect(signed).toMatchObject({ code: 0, stdout: '' });
    const document = JSON.parse(readFileSync(signedPath, 'utf8'));
    expect(document.signature).toBe(
      computeServiceMapSignature(manifest(new Date(document.generatedAt)), key),
    );

    const verified = await runCli(['verify', signedPath], { env });
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('Service map 01JH2Z8XQ5T3V9W7Y1A4B6C8D0 is valid');
    expect(verified.stdout).toContain(`generatedAt  ${document.generatedAt}`);
    expect(verified.stdout).toMatch(/expires\s+\S+ \(in \d+ min \d+ s\)/);
    expect(verified.stdout).toMatch(
      /^arxiv\s+enabled\s+1\.0\.0\s+bearer\s+https:\/\/arxiv\.example\/mcp\?…$/m,
    );
    expect(verified.stdout).toMatch(/^wikidata\s+disabled\s+2\.1\.0\s+none\s+-$/m);
    for (const secret of ['hunter2', 'abc123', key])
      expect(verified.stdout + verified.stderr).not.toContain(secret);
  });

  it('writes the signed map to stdout when no --out is given, resolving the path against the working directory', async () => {
    writeJson('relative.json', manifest(new Date()));
    const { code, stdout } = await runCli(['sign', 'relative.json'], {
      env: { ...baseEnv, CONNECTORS_SIGNATURE_KEY: key },
      cwd: directory,
    });
    expect(code).toBe(0);
    const document = JSON.parse(stdout);
    expect(document.producer).toEqual({ region: 'eu', build: 7 });
    expect(document.signature).toBe(computeServiceMapSignature(document, key));
  });

  it('rejects a tampered map with exit code 1 and the loader message naming the signature', async () => {
    const tampered = { ...signServiceMap(manifest(new Date()), key), brand: 'mallory' };
    const file = writeJson('tampered.json', tampered);
    const { code, stdout, stderr } = await runCli(['verify', file], {
      env: { ...baseEnv, CONNECTORS_SIGNATURE_KEY: key },
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(linesOf(stderr)).toHaveLength(1);
    expect(stderr).toMatch(/^mcp-host verify: Service map file:\/\/.*signature.*\(code signature\)$/m);
    expect(stderr).not.toContain(key);
  });

  it('says which rotation key verified the map, and reports an expired map without failing', async () => {
    const old = new Date(Date.now() - 3_600_000);
    const file = writeJson('expired.json', signServiceMap(manifest(old, 60), 'old-key'));
    const { code, stdout } = await runCli(['verify', file], {
      env: { ...baseEnv, CONNECTORS_SIGNATURE_KEY: 'new-key', CONNECTORS_SIGNATURE_KEYS: 'old-key' },
    });
    expect(code).toBe(0);
    expect(stdout).toContain('signature verified with key 2 of 2');
    expect(stdout).toMatch(/EXPIRED \d+ min \d+ s ago/);
  });

  it('loads an http map with CONNECTORS_API_KEY as bearer token and never prints the key', async () => {
    const body = JSON.stringify(signServiceMap(manifest(new Date()), key));
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((request, response) => {
      seen.push(request.headers);
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/service-map`;
      const { code, stdout } = await runCli(['verify', url], {
        env: { ...baseEnv, CONNECTORS_SIGNATURE_KEY: key, CONNECTORS_API_KEY: 'api-key-do-not-print' },
      });
      expect(code).toBe(0);
      expect(stdout).toContain(`source       ${url}`);
      expect(stdout).not.toContain('api-key-do-not-print');
      expect(seen.map((headers) => headers.authorization)).toEqual(['Bearer api-key-do-not-print']);
    } finally {
      server.close();
    }
  });

  it('refuses to sign without a key, and names the bad fields of an invalid manifest', async () => {
    const source = writeJson('no-key.json', manifest(new Date()));
    const noKey = await runCli(['sign', source], { env: baseEnv });
    expect(noKey.code).toBe(2);
    expect(linesOf(noKey.stderr)).toHaveLength(1);
    expect(noKey.stderr).toContain('CONNECTORS_SIGNATURE_KEY');

    const invalid = writeJson('invalid.json', { ...manifest(new Date()), id: 'not-a-ulid', ttlSeconds: -1 });
    const bad = await runCli(['sign', invalid], { env: { ...baseEnv, CONNECTORS_SIGNATURE_KEY: key } });
    expect(bad.code).toBe(1);
    expect(linesOf(bad.stderr)).toHaveLength(1);
    expect(bad.stderr).toContain('id: expected a ULID');
    expect(bad.stderr).toContain('ttlSeconds:');
    expect(bad.stdout).toBe('');
  });

  it('refuses verify without a key or without a target, as usage errors', async () => {
    const file = writeJson('unused.json', {});
    expect((await runCli(['verify', file], { env: baseEnv })).code).toBe(2);
    const missing = await runCli(['verify'], { env: { ...baseEnv, CONNECTORS_SIGNATURE_KEY: key } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Missing <url|file>');
  });
});
