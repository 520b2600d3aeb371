import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_TOOL_NAMES, startFixtureServer } from '../src/fixture-server.mjs';
import { firstLine, startChild } from '../src/processes.mjs';
import { FIXTURE_PATH } from '../src/targets.mjs';

let fixture;
let client;

beforeAll(async () => {
  fixture = await startFixtureServer({ port: 0 });
  client = new Client({ name: 'fixture-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(fixture.url)));
});

afterAll(async () => {
  await client?.close();
  await fixture?.close();
});

/** A raw initialize POST with chosen Host and Origin headers (fetch cannot set Host). */
function initializeWith(url, { host, origin }) {
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
  });
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          host,
          ...(origin ? { origin } : {}),
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('fixture upstream', () => {
  it('lists the eight suite tools, each with a description and an object input schema', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(FIXTURE_TOOL_NAMES);
    expect(FIXTURE_TOOL_NAMES).toHaveLength(8);
    for (const tool of tools) {
      expect(tool.description).toMatch(/conformance: tools-call-/);
      expect(tool.inputSchema.type).toBe('object');
    }
  });

  it('returns the content types each tools-call scenario checks', async () => {
    const types = async (name) => (await client.callTool({ name })).content.map((item) => item.type);
    expect(await types('test_simple_text')).toEqual(['text']);
    expect(await types('test_image_content')).toEqual(['image']);
    expect(await types('test_audio_content')).toEqual(['audio']);
    expect(await types('test_embedded_resource')).toEqual(['resource']);
    expect(await types('test_multiple_content_types')).toEqual(['text', 'image', 'resource']);
  });

  it('serves a PNG image and a WAV whose header sizes agree with its length', async () => {
    const [image] = (await client.callTool({ name: 'test_image_content' })).content;
    expect(image.mimeType).toBe('image/png');
    expect(Buffer.from(image.data, 'base64').subarray(1, 4).toString('ascii')).toBe('PNG');

    const [audio] = (await client.callTool({ name: 'test_audio_content' })).content;
    expect(audio.mimeType).toBe('audio/wav');
    const wav = Buffer.from(audio.data, 'base64');
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(wav.readUInt32LE(40)).toBe(wav.length - 44);
  });

  it('embeds a text resource with a uri and a mime type', async () => {
    const [item] = (await client.callTool({ name: 'test_embedded_resource' })).content;
    expect(item.resource).toEqual({
      uri: 'test://embedded-resource',
      mimeType: 'text/plain',
      text: 'This is an embedded resource content.',
    });
  });

  it('answers test_error_handling with a tool error result, not a protocol error', async () => {
    const result = await client.callTool({ name: 'test_error_handling' });
    expect(result.isError).toBe(true);
    expect(result.content[0].text).toMatch(/intentionally returns an error/);
  });

  it('reports progress 0, 50 and 100 of 100 when the call carries a progress token', async () => {
    const updates = [];
    await client.callTool({ name: 'test_tool_with_progress' }, undefined, {
      onprogress: (progress) => updates.push([progress.progress, progress.total]),
    });
    expect(updates).toEqual([
      [0, 100],
      [50, 100],
      [100, 100],
    ]);
  });

  it('sends three info log messages on the call before its result', async () => {
    const logs = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      logs.push(notification.params);
    });
    await client.setLoggingLevel('debug');
    await client.callTool({ name: 'test_tool_with_logging' });
    expect(logs.map((log) => [log.level, log.data])).toEqual([
      ['info', 'Tool execution started'],
      ['info', 'Tool processing data'],
      ['info', 'Tool execution completed'],
    ]);
  });

  it('honours logging/setLevel: above info it sends no log messages', async () => {
    const quiet = new Client({ name: 'fixture-test-quiet', version: '1.0.0' });
    await quiet.connect(new StreamableHTTPClientTransport(new URL(fixture.url)));
    try {
      const logs = [];
      quiet.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
        logs.push(notification.params);
      });
      await quiet.setLoggingLevel('warning');
      const result = await quiet.callTool({ name: 'test_tool_with_logging' });
      expect(result.content[0].text).toMatch(/executed/);
      expect(logs).toEqual([]);
    } finally {
      await quiet.close();
    }
  });

  it('refuses a non-loopback Host or Origin with 403 and accepts loopback ones', async () => {
    const loopback = new URL(fixture.url).host;
    const evil = 'evil.example.com';
    expect(await initializeWith(fixture.url, { host: evil, origin: `http://${evil}` })).toBe(403);
    expect(await initializeWith(fixture.url, { host: loopback, origin: `http://${evil}` })).toBe(403);
    expect(await initializeWith(fixture.url, { host: loopback, origin: `http://${loopback}` })).toBe(200);
    expect(await initializeWith(fixture.url, { host: `localhost:${fixture.port}` })).toBe(200);
  });

  it('answers 404 to an unknown session and 400 to a first request that is not initialize', async () => {
    const unknown = await fetch(fixture.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-session-id': 'no-such-session',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(unknown.status).toBe(404);
    const notInitialize = await fetch(fixture.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(notInitialize.status).toBe(400);
  });

  it('prints its URL as one JSON line when run as a program, and exits on SIGTERM', async () => {
    const handle = startChild(process.execPath, [FIXTURE_PATH]);
    try {
      const ready = JSON.parse(await firstLine(handle, 15_000, 'the fixture'));
      expect(ready.url).toBe(`http://127.0.0.1:${ready.port}/mcp`);
      expect(ready.port).toBeGreaterThan(0);
      const ping = await fetch(ready.url, { method: 'GET' });
      expect(ping.status).toBe(400);
    } finally {
      const exit = await handle.stop();
      expect(exit.code).toBe(0);
    }
  });
});
