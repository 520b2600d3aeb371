import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HostMetrics } from '../../src/metrics.js';
import { createHostHttpServer, HostServerError, toListedTool } from '../../src/server/index.js';
import { createTestRegistry } from './support.js';

const base = () => ({
  registry: createTestRegistry().registry,
  metrics: new HostMetrics({ defaultMetrics: false }),
  getStatus: () => ({}),
  isReady: () => true,
  serverInfo: { name: 'options-test', version: '1' },
});

describe('createHostHttpServer options', () => {
  it('rejects an out-of-range port with invalid_options', async () => {
    const error = await createHostHttpServer({ ...base(), port: 70_000 }).catch((caught) => caught);
    expect(error).toBeInstanceOf(HostServerError);
    expect(error.code).toBe('invalid_options');
    expect(error.message).toContain('70000');
  });

  it('reports a taken port as listen_failed with the system error as cause', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const error = await createHostHttpServer({ ...base(), port }).catch((caught) => caught);
      expect(error).toBeInstanceOf(HostServerError);
      expect(error.code).toBe('listen_failed');
      expect((error.cause as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('answers a body over maxRequestBodyBytes with 413 and opens no session', async () => {
    const server = await createHostHttpServer({ ...base(), maxRequestBodyBytes: 64 });
    try {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: { padding: 'x'.repeat(100) },
        }),
      });
      expect(response.status).toBe(413);
      expect(server.sessionCount).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('rejects a negative drain timeout', async () => {
    const server = await createHostHttpServer(base());
    try {
      await expect(server.drain(-1)).rejects.toMatchObject({ code: 'invalid_options' });
    } finally {
      await server.close();
    }
  });
});

describe('toListedTool', () => {
  it('drops task execution hints the server does not support', () => {
    const { registry } = createTestRegistry();
    registry.replaceConnectorTools('tasks', [
      {
        name: 'long',
        inputSchema: { type: 'object' },
        execution: { taskSupport: 'optional' },
        icons: [{ src: 'https://example.com/i.png' }],
        handler: async () => ({ content: [] }),
      },
    ]);
    const tool = registry.getTool('tasks.long');
    expect(tool && toListedTool(tool)).toEqual({
      name: 'tasks.long',
      inputSchema: { type: 'object' },
      icons: [{ src: 'https://example.com/i.png' }],
    });
  });
});
