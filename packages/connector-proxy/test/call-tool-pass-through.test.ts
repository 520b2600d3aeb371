import { afterEach, describe, expect, it } from 'vitest';
import { RemoteToolProxy } from '../src/index.js';
import { resultFor, startScriptedUpstream, type WireMessage } from './helpers/scripted-upstream.js';

// The SDK's McpServer and Server reshape a tools/call result before sending it, so only a byte-level upstream can
// send members MCP does not define.
const RICH_RESULT = {
  content: [
    {
      type: 'text',
      text: 'hi',
      annotations: { audience: ['user'], 'x-annotation-extra': 1 },
      _meta: { 'fixture/content': true },
      'x-content-extra': 'kept',
    },
    { type: 'image', data: 'AAEC', mimeType: 'image/png', 'x-image-extra': [1] },
  ],
  structuredContent: { echoed: 'hi' },
  _meta: { 'fixture/result': { nested: true } },
  'x-result-extra': 'kept',
};

let proxy: RemoteToolProxy | undefined;
let closeUpstream: (() => Promise<void>) | undefined;

afterEach(async () => {
  await proxy?.disconnect();
  await closeUpstream?.();
});

describe('callTool', () => {
  it('returns the result as the upstream sent it, unknown members at every level included', async () => {
    const upstream = await startScriptedUpstream();
    closeUpstream = () => upstream.close();
    upstream.answer = (body, res) => {
      const message = body as WireMessage;
      if (Array.isArray(body) || message.method !== 'tools/call') return false;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(resultFor(message, RICH_RESULT)));
      return true;
    };
    proxy = new RemoteToolProxy({ id: 'rich', url: upstream.url });
    await proxy.connect();
    expect(await proxy.callTool('echo', { text: 'hi' })).toEqual(RICH_RESULT);
  });

  it('still defaults a missing content to [], as the SDK did', async () => {
    const upstream = await startScriptedUpstream();
    closeUpstream = () => upstream.close();
    upstream.answer = (body, res) => {
      const message = body as WireMessage;
      if (Array.isArray(body) || message.method !== 'tools/call') return false;
      const result = resultFor(message, { structuredContent: { n: 1 } });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
      return true;
    };
    proxy = new RemoteToolProxy({ id: 'structured', url: upstream.url });
    await proxy.connect();
    expect(await proxy.callTool('count')).toEqual({ content: [], structuredContent: { n: 1 } });
  });
});
