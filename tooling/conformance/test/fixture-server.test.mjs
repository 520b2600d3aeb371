import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_TOOL_NAMES, startFixtureServer } from '../src/fixture-server.mjs';
import { firstLine, startChild } from '../src/processes.mjs';
import { FIXTURE_PATH } from '../src/targets.mjs';
import { connectClient, initializeBody, initializeWith } from './fixture-helpers.mjs';

let fixture;
let client;

beforeAll(async () => {
  fixture = await startFixtureServer({ port: 0 });
  client = await connectClient(fixture.url);
});

afterAll(async () => {
  await client?.close();
  await fixture?.close();
});

describe('fixture upstream', () => {
  it('lists every tool the suite calls, each with a description naming its scenario and an object schema', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(FIXTURE_TOOL_NAMES);
    expect(FIXTURE_TOOL_NAMES).toEqual(
      expect.arrayContaining([
        'test_simple_text',
        'test_tool_with_progress',
        'json_schema_2020_12_tool',
        'test_reconnection',
        'test_sampling',
        'test_elicitation',
        'test_elicitation_sep1034_defaults',
        'test_elicitation_sep1330_enums',
      ]),
    );
    for (const tool of tools) {
      expect(tool.description).toMatch(/\(conformance: [a-z0-9-]+\)\.$/);
      expect(tool.inputSchema.type).toBe('object');
    }
  });

  it('lists the JSON Schema 2020-12 tool with $schema, $defs and additionalProperties as written', async () => {
    const { tools } = await client.listTools();
    const { inputSchema } = tools.find((tool) => tool.name === 'json_schema_2020_12_tool');
    expect(inputSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(inputSchema.$defs.address.properties).toEqual({
      street: { type: 'string' },
      city: { type: 'string' },
    });
    expect(inputSchema.properties.address).toEqual({ $ref: '#/$defs/address' });
    expect(inputSchema.additionalProperties).toBe(false);
  });

  it('answers an unknown tool with a JSON-RPC invalid-params error', async () => {
    await expect(client.callTool({ name: 'no_such_tool' })).rejects.toMatchObject({ code: -32602 });
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
    const quiet = await connectClient(fixture.url, { name: 'fixture-test-quiet' });
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

  it('starts a 2025-11-25 POST stream with a priming event: an id, a retry, empty data', async () => {
    const response = await fetch(fixture.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify(initializeBody('2025-11-25')),
    });
    expect(await response.text()).toMatch(/^id: \S+\nretry: 500\ndata: \n\n/);
  });

  it('test_reconnection closes its stream mid-call and an SDK client gets the result after resuming', async () => {
    const result = await client.callTool({ name: 'test_reconnection' });
    expect(result.isError).toBeUndefined();
    expect(result.content[0].text).toMatch(/resumed stream/);
  });

  it('test_reconnection gives a client of an older protocol an event id to resume from with Last-Event-ID', async () => {
    const init = await fetch(fixture.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify(initializeBody('2025-03-26')),
    });
    await init.text();
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-session-id': init.headers.get('mcp-session-id'),
      'mcp-protocol-version': '2025-03-26',
    };
    const call = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'test_reconnection' } };
    const closed = await (
      await fetch(fixture.url, { method: 'POST', headers, body: JSON.stringify(call) })
    ).text();
    expect(closed).not.toMatch(/"id":7/);
    const lastEventId = [...closed.matchAll(/^id: (\S+)$/gm)].at(-1)?.[1];
    expect(lastEventId).toBeDefined();

    const resumed = await fetch(fixture.url, {
      method: 'GET',
      headers: { ...headers, accept: 'text/event-stream', 'last-event-id': lastEventId },
    });
    expect(resumed.status).toBe(200);
    const reader = resumed.body.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      received += chunk.value;
      if (/"id":7/.test(received)) break;
    }
    await reader.cancel();
    expect(received).toMatch(/resumed stream/);
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
