import type { ServerResponse } from 'node:http';
import type { JSONRPCMessage, Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { httpStatusOf } from '../src/error-mapping.js';
import { type ConnectorProxyError, RemoteToolProxy } from '../src/index.js';
import {
  answerWithEvents,
  resultFor,
  type ScriptedUpstream,
  startScriptedUpstream,
  type WireMessage,
} from './helpers/scripted-upstream.js';
import { startTransportClient, type TransportClient } from './helpers/transport-client.js';

let upstream: ScriptedUpstream;
let harness: TransportClient | undefined;
let proxy: RemoteToolProxy | undefined;

beforeEach(async () => {
  upstream = await startScriptedUpstream();
});
afterEach(async () => {
  await proxy?.disconnect();
  await harness?.close();
  await upstream.close();
  proxy = undefined;
  harness = undefined;
});

/** Answers every tools/call with `answer`. */
function onToolCall(answer: (message: WireMessage, res: ServerResponse) => void) {
  upstream.answer = (body, res) => {
    if (Array.isArray(body) || body.method !== 'tools/call') return false;
    answer(body, res);
    return true;
  };
}

function progressFor(message: WireMessage, progress: number, total: number) {
  const token = (message.params?._meta as { progressToken?: number } | undefined)?.progressToken;
  return {
    jsonrpc: '2.0',
    method: 'notifications/progress',
    params: { progressToken: token, progress, total },
  };
}

async function connectProxy() {
  proxy = new RemoteToolProxy({ id: 'scripted', url: upstream.url, connectTimeoutMs: 5_000 });
  await proxy.connect();
  return proxy;
}

describe('Streamable HTTP answers', () => {
  it('delivers an application/json answer', async () => {
    onToolCall((message, res) => {
      const body = JSON.stringify(resultFor(message, { content: [{ type: 'text', text: 'from json' }] }));
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body);
    });
    const result = await (await connectProxy()).callTool('echo');
    expect(result.content).toEqual([{ type: 'text', text: 'from json' }]);
  });

  it('parses an event-stream answer written in small pieces: CRLF, comments, ids, multi-line data', async () => {
    onToolCall((message, res) => {
      const result = resultFor(message, { content: [{ type: 'text', text: 'héllo 🌍' }] });
      const stream = Buffer.from(
        [
          ': opening comment\r\n\r\n',
          `id: e1\r\nevent: message\r\ndata: ${JSON.stringify(progressFor(message, 1, 2))}\r\n\r\n`,
          `id: e2\ndata: ${JSON.stringify(progressFor(message, 2, 2))}\n\n`,
          // A pretty-printed message spread over several data lines is still one JSON text.
          `data: ${JSON.stringify(result, null, 1).split('\n').join('\ndata: ')}\n\n`,
        ].join(''),
      );
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      void (async () => {
        for (let at = 0; at < stream.length; at += 7) {
          res.write(stream.subarray(at, at + 7));
          await new Promise((resolve) => setImmediate(resolve));
        }
        res.end();
      })();
    });
    const progress: Progress[] = [];
    const result = await (await connectProxy()).callTool('echo', {}, { onProgress: (p) => progress.push(p) });
    expect(progress.map((p) => p.progress)).toEqual([1, 2]);
    expect(result.content).toEqual([{ type: 'text', text: 'héllo 🌍' }]);
  });

  it('delivers progress that arrives in the same chunk as its result (typescript-sdk#2580)', async () => {
    onToolCall((message, res) =>
      answerWithEvents(res, [
        progressFor(message, 1, 3),
        progressFor(message, 2, 3),
        progressFor(message, 3, 3),
        resultFor(message, { content: [] }),
      ]),
    );
    const progress: Progress[] = [];
    await (await connectProxy()).callTool('echo', {}, { onProgress: (p) => progress.push(p) });
    expect(progress.map((p) => p.progress)).toEqual([1, 2, 3]);
  });

  it('sends a batch in one POST and delivers a batch answer (JSON or one event) in wire order', async () => {
    upstream.answer = (body, res) => {
      if (!Array.isArray(body)) return false;
      const [first, second] = body as [WireMessage, WireMessage];
      const answers = [resultFor(second, { n: 2 }), resultFor(first, { n: 1 })];
      if (first.method === 'json')
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answers));
      else answerWithEvents(res, [answers]);
      return true;
    };
    harness = await startTransportClient(upstream.url, {}, false);
    const { transport } = harness;
    const received: JSONRPCMessage[] = [];
    transport.onmessage = (message) => received.push(message);
    await transport.start();
    for (const method of ['json', 'sse']) {
      received.length = 0;
      await transport.send([
        { jsonrpc: '2.0', id: `${method}-1`, method },
        { jsonrpc: '2.0', id: `${method}-2`, method },
      ] as unknown as JSONRPCMessage);
      expect(received.map((m) => ('id' in m ? m.id : undefined))).toEqual([`${method}-2`, `${method}-1`]);
    }
    expect(upstream.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  it('resolves a notification answered with 202 and delivers nothing', async () => {
    harness = await startTransportClient(upstream.url, {}, false);
    const { transport } = harness;
    const received: JSONRPCMessage[] = [];
    transport.onmessage = (message) => received.push(message);
    await transport.start();
    await transport.send({ jsonrpc: '2.0', method: 'notifications/roots/list_changed' });
    expect(upstream.requests.map((r) => r.method)).toEqual(['POST']);
    expect(received).toEqual([]);
  });

  it('fails a call on an HTTP error with the status as code, which the proxy maps', async () => {
    onToolCall((_message, res) => res.writeHead(503).end('overloaded'));
    const error = (await (
      await connectProxy()
    )
      .callTool('echo')
      .catch((e: unknown) => e)) as ConnectorProxyError;
    expect(error.code).toBe('unavailable');
    expect(httpStatusOf(error.cause)).toBe(503);
    expect(error.message).toContain('overloaded');
  });

  it('maps a 401 answer to unauthorized', async () => {
    onToolCall((_message, res) => res.writeHead(401).end());
    const error = await (await connectProxy()).callTool('echo').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unauthorized' });
  });

  it('fails with code -1 on an answer that is neither JSON nor an event stream', async () => {
    onToolCall((_message, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'));
    harness = await startTransportClient(upstream.url);
    const error = await harness.client.callTool({ name: 'echo' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: -1 });
  });

  it('fails a call whose event stream ends before its result', async () => {
    onToolCall((message, res) => answerWithEvents(res, [progressFor(message, 1, 2)]));
    harness = await startTransportClient(upstream.url);
    const error = await harness.client
      .callTool({ name: 'echo' }, undefined, { onprogress: () => {} })
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/ended before the answer/);
  });

  it('follows a same-origin 307 but not a redirect to another origin', async () => {
    let target = '/moved';
    upstream.answer = (body, res) => {
      if (Array.isArray(body) || body.method !== 'tools/call') return false;
      if (res.req.url === '/moved')
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(resultFor(body, { content: [] })));
      else res.writeHead(307, { location: target }).end();
      return true;
    };
    harness = await startTransportClient(upstream.url);
    await expect(harness.client.callTool({ name: 'echo' })).resolves.toMatchObject({ content: [] });
    target = 'http://localhost:1/elsewhere';
    await expect(harness.client.callTool({ name: 'echo' })).rejects.toMatchObject({ code: 307 });
  });
});
