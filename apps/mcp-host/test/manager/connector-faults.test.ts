import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { hasOpenssl, makeLoopbackCertificate } from '@cortex-mcp/test-servers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entry, mapOf, TestBed, toolNames } from './fixtures.js';

let bed: TestBed;
const servers: Server[] = [];
beforeEach(async () => {
  bed = await new TestBed().start();
});
afterEach(async () => {
  await bed.close();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** An upstream that answers `initialize` with a protocol version no client supports, and nothing else. */
async function oddVersionUpstream(): Promise<string> {
  const server = createHttpServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const message = body ? (JSON.parse(body) as { id?: number; method?: string }) : {};
      if (message.method !== 'initialize') {
        response.writeHead(202).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'odd' });
      response.end(
        JSON.stringify({
          jsonrpc: '2.0',
          id: message.id,
          result: {
            protocolVersion: '1999-01-01',
            capabilities: { tools: {} },
            serverInfo: { name: 'odd', version: '1' },
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

/** An https upstream whose certificate nobody trusts (self-signed, made for this test). */
async function untrustedTlsUpstream(): Promise<string> {
  const server = createHttpsServer(makeLoopbackCertificate(), (_request, response) =>
    response.writeHead(500).end(),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

describe('connector faults stay with their connector', () => {
  it('fails a connector that answers initialize with an unsupported protocol version, naming it; the others serve', async () => {
    const alpha = await bed.demo('alpha');
    bed.publisher.publish(
      mapOf([entry('odd', await oddVersionUpstream()), entry('alpha', alpha.streamableUrl)]),
    );
    const { manager, registry } = bed.manager({ stateDir: await bed.tempDir() });

    await manager.start();

    const odd = manager.status().connectors.find((connector) => connector.id === 'odd');
    expect(odd).toMatchObject({ state: 'down', available: false });
    expect(odd?.lastError?.message).toMatch(/protocol version/i);
    expect(odd?.lastError?.message).toContain('1999-01-01');
    expect(toolNames(registry)).toContain('alpha.echo');
    expect(toolNames(registry).some((name) => name.startsWith('odd.'))).toBe(false);
  });

  it.skipIf(!hasOpenssl())(
    'fails a connector whose TLS certificate is not trusted, naming the TLS problem; the others serve',
    async () => {
      const alpha = await bed.demo('alpha');
      bed.publisher.publish(
        mapOf([entry('tls', await untrustedTlsUpstream()), entry('alpha', alpha.streamableUrl)]),
      );
      const { manager, registry } = bed.manager({ stateDir: await bed.tempDir() });

      await manager.start();

      const tls = manager.status().connectors.find((connector) => connector.id === 'tls');
      expect(tls).toMatchObject({ state: 'down', available: false });
      expect(tls?.lastError?.message).toMatch(/certificate/i);
      expect(toolNames(registry)).toContain('alpha.echo');
    },
  );
});
