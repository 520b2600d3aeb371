import { type EverythingServer, startEverything } from '@cortex-mcp/test-servers';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteToolProxy } from '../src/index.js';

describe.each([
  ['streamableHttp', 'streamable-http', '/mcp'],
  ['sse', 'sse', '/sse'],
  ['sse', 'auto', '/sse'],
] as const)(
  '@modelcontextprotocol/server-everything in %s mode, proxy transport %s',
  (mode, transport, path) => {
    let server: EverythingServer;
    let proxy: RemoteToolProxy;

    beforeAll(async () => {
      server = await startEverything(mode);
      proxy = new RemoteToolProxy({
        id: `everything-${transport}`,
        transport,
        url: `http://127.0.0.1:${server.port}${path}`,
      });
      await proxy.connect();
    });
    afterAll(async () => {
      await proxy?.disconnect();
      await server?.stop();
    });

    it('lists its tools and answers echo', async () => {
      expect(proxy.activeTransport).toBe(mode === 'sse' ? 'sse' : 'streamable-http');
      const names = (await proxy.getTools()).map((tool) => tool.name);
      expect(names).toEqual(expect.arrayContaining(['echo', 'get-sum', 'trigger-long-running-operation']));
      const result = await proxy.callTool('echo', { message: 'hello' });
      expect(result.content).toEqual([{ type: 'text', text: 'Echo: hello' }]);
    });

    it('passes its progress notifications through', async () => {
      const progress: Progress[] = [];
      const result = await proxy.callTool(
        'trigger-long-running-operation',
        { duration: 0.2, steps: 2 },
        { onProgress: (p) => progress.push(p) },
      );
      expect(progress.map((p) => [p.progress, p.total])).toEqual([
        [1, 2],
        [2, 2],
      ]);
      expect(result.isError).toBeFalsy();
    });

    it('lists its resources and prompts and reads a resource', async () => {
      const catalogue = await proxy.getCatalogue();
      expect(catalogue.resources.length).toBeGreaterThan(0);
      expect(catalogue.prompts.length).toBeGreaterThan(0);
      const [first] = catalogue.resources;
      if (!first) throw new Error('no resource');
      const read = await proxy.readResource(first.uri);
      expect(read.contents[0]?.uri).toBe(first.uri);
    });
  },
);
