#!/usr/bin/env node
// Fixture upstream for the MCP conformance suite (@modelcontextprotocol/conformance 0.1.16).
//
// A real MCP server (SDK McpServer) over Streamable HTTP on 127.0.0.1 that implements exactly the tools the
// suite's `tools-call-*` scenarios call, with the results the suite checks. The host serves these tools under
// their own names (empty namespace), so the suite can run the same scenarios through the host.
//
// Usage: node src/fixture-server.mjs [--port N]      (or FIXTURE_PORT=N; 0 or unset = ephemeral port)
// When ready it prints one JSON line on stdout: {"url":"http://127.0.0.1:<port>/mcp","port":<port>,"pid":<pid>}
// It stops cleanly on SIGTERM / SIGINT, and when stdin closes if started with --exit-on-stdin-close.

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  isInitializeRequest,
  LoggingLevelSchema,
  SetLevelRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';

const BIND_ADDRESS = '127.0.0.1';
const MCP_PATH = '/mcp';
/** Sessions are bounded: the dns-rebinding scenario opens sessions it never closes. */
const MAX_SESSIONS = 64;
/** The suite asks for "~50ms" between notifications so clients see them arrive during the call. */
const NOTIFICATION_GAP_MS = 50;
const LOCAL_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);
/** Log levels from least to most severe (debug … emergency), as the spec orders them. */
const LOG_LEVELS = LoggingLevelSchema.options;

/** 1x1 red pixel PNG (valid chunks and CRCs). */
const TEST_IMAGE_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
const TEST_AUDIO_BASE64 = silentWav({ sampleRate: 8000, sampleCount: 4 }).toString('base64');

/** A well-formed PCM WAV (mono, 16-bit) of silence: header sizes agree with the data that follows. */
function silentWav({ sampleRate, sampleCount }) {
  const dataBytes = sampleCount * 2;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16); // fmt chunk size
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28); // byte rate
  wav.writeUInt16LE(2, 32); // block align
  wav.writeUInt16LE(16, 34); // bits per sample
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(dataBytes, 40);
  return wav;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const text = (value) => ({ type: 'text', text: value });

/**
 * The tools, as `[name, description, handler(extra, session)]`. None takes arguments (McpServer then passes only
 * `extra`); `session` holds the level the client set with logging/setLevel.
 */
const TOOLS = [
  [
    'test_simple_text',
    'Returns one text item (conformance: tools-call-simple-text).',
    async () => ({ content: [text('This is a simple text response for testing.')] }),
  ],
  [
    'test_image_content',
    'Returns one image item, a 1x1 red PNG (conformance: tools-call-image).',
    async () => ({ content: [{ type: 'image', data: TEST_IMAGE_BASE64, mimeType: 'image/png' }] }),
  ],
  [
    'test_audio_content',
    'Returns one audio item, a short silent WAV (conformance: tools-call-audio).',
    async () => ({ content: [{ type: 'audio', data: TEST_AUDIO_BASE64, mimeType: 'audio/wav' }] }),
  ],
  [
    'test_embedded_resource',
    'Returns one embedded text resource (conformance: tools-call-embedded-resource).',
    async () => ({
      content: [
        {
          type: 'resource',
          resource: {
            uri: 'test://embedded-resource',
            mimeType: 'text/plain',
            text: 'This is an embedded resource content.',
          },
        },
      ],
    }),
  ],
  [
    'test_multiple_content_types',
    'Returns text, image and embedded resource items together (conformance: tools-call-mixed-content).',
    async () => ({
      content: [
        text('Multiple content types test:'),
        { type: 'image', data: TEST_IMAGE_BASE64, mimeType: 'image/png' },
        {
          type: 'resource',
          resource: {
            uri: 'test://mixed-content-resource',
            mimeType: 'application/json',
            text: JSON.stringify({ test: 'data', value: 123 }),
          },
        },
      ],
    }),
  ],
  [
    'test_tool_with_logging',
    'Sends three info log notifications ~50 ms apart while it runs (conformance: tools-call-with-logging).',
    async (extra, session) => {
      const messages = ['Tool execution started', 'Tool processing data', 'Tool execution completed'];
      for (const [index, message] of messages.entries()) {
        if (index > 0) await sleep(NOTIFICATION_GAP_MS);
        if (!session.logs('info')) continue;
        // Sent as related to this request, so it travels on the call's own response stream.
        await extra.sendNotification({
          method: 'notifications/message',
          params: { level: 'info', logger: 'conformance-fixture', data: message },
        });
      }
      return { content: [text('Tool with logging executed successfully')] };
    },
  ],
  [
    'test_error_handling',
    'Always fails with a tool error result, isError: true (conformance: tools-call-error).',
    async () => ({
      isError: true,
      content: [text('This tool intentionally returns an error for testing')],
    }),
  ],
  [
    'test_tool_with_progress',
    'Reports progress 0, 50, 100 of 100 ~50 ms apart when given a progressToken (conformance: tools-call-with-progress).',
    async (extra) => {
      const progressToken = extra._meta?.progressToken;
      for (const [index, progress] of [0, 50, 100].entries()) {
        if (index > 0) await sleep(NOTIFICATION_GAP_MS);
        if (progressToken === undefined) continue;
        await extra.sendNotification({
          method: 'notifications/progress',
          params: { progressToken, progress, total: 100, message: `Completed step ${index + 1} of 3` },
        });
      }
      return { content: [text('Tool with progress executed successfully')] };
    },
  ],
];

/** The names of the tools the fixture serves, in the order it lists them. */
export const FIXTURE_TOOL_NAMES = TOOLS.map(([name]) => name);

/** One McpServer per session, as the SDK requires (a server instance serves one transport). */
function createMcpServer() {
  const server = new McpServer(
    { name: 'cortex-conformance-fixture', version: '1.0.0' },
    { capabilities: { logging: {} } },
  );
  const session = {
    logLevel: undefined,
    /** Whether a message at `level` passes the level the client set (all pass until it sets one). */
    logs(level) {
      return this.logLevel === undefined || LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(this.logLevel);
    },
  };
  // Replaces the SDK's own handler so the tools can read the level; the answer is the same empty result.
  server.server.setRequestHandler(SetLevelRequestSchema, async (request) => {
    session.logLevel = request.params.level;
    return {};
  });
  for (const [name, description, handler] of TOOLS) {
    server.registerTool(name, { description }, (extra) => handler(extra, session));
  }
  return server;
}

/**
 * DNS-rebinding protection: a loopback server must refuse a Host or Origin that is not loopback.
 * Returns the reason to refuse, or undefined when the request may proceed.
 */
function rebindingRefusal(headers) {
  const hostname = hostnameOf(headers.host);
  if (!hostname || !LOCAL_HOSTNAMES.has(hostname)) return `Invalid Host header: ${headers.host ?? '(none)'}`;
  if (headers.origin !== undefined) {
    const originHostname = hostnameOf(headers.origin, '');
    if (!originHostname || !LOCAL_HOSTNAMES.has(originHostname))
      return `Invalid Origin header: ${headers.origin}`;
  }
  return undefined;
}

function hostnameOf(value, scheme = 'http://') {
  if (!value) return undefined;
  try {
    return new URL(`${scheme}${value}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function sendJsonRpcError(res, status, message) {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

async function readJsonBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** Starts the fixture; resolves with its URL and a `close()` that ends every session and the listener. */
export async function startFixtureServer({ port = 0 } = {}) {
  /** @type {Map<string, { transport: StreamableHTTPServerTransport, server: McpServer }>} */
  const sessions = new Map();

  async function closeSession(sessionId) {
    const session = sessions.get(sessionId);
    if (!session) return;
    sessions.delete(sessionId);
    await session.server.close().catch(() => {});
  }

  async function openSession(req, res, body) {
    if (sessions.size >= MAX_SESSIONS) {
      // Oldest first: Map iteration order is insertion order.
      await closeSession(sessions.keys().next().value);
    }
    const server = createMcpServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sessionId) => sessions.set(sessionId, { transport, server }),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refusal = rebindingRefusal(req.headers);
    if (refusal) return sendJsonRpcError(res, 403, refusal);
    if (url.pathname !== MCP_PATH) return sendJsonRpcError(res, 404, `Not found: use ${MCP_PATH}`);

    const sessionId = req.headers['mcp-session-id'];
    const session = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (session) return session.transport.handleRequest(req, res);
    if (sessionId !== undefined) return sendJsonRpcError(res, 404, 'Session not found: initialize again');
    if (req.method !== 'POST') return sendJsonRpcError(res, 400, 'No session: send initialize first');

    let body;
    try {
      body = await readJsonBody(req);
    } catch {
      return sendJsonRpcError(res, 400, 'Parse error: the body is not JSON');
    }
    if (!isInitializeRequest(body)) return sendJsonRpcError(res, 400, 'No session: send initialize first');
    return openSession(req, res, body);
  }

  const httpServer = createServer((req, res) => {
    handle(req, res).catch((error) => {
      process.stderr.write(`fixture: request failed: ${error?.stack ?? error}\n`);
      sendJsonRpcError(res, 500, 'Internal error');
    });
  });

  await new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, BIND_ADDRESS, resolve);
  });
  const address = httpServer.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;

  return {
    url: `http://${BIND_ADDRESS}:${boundPort}${MCP_PATH}`,
    port: boundPort,
    tools: FIXTURE_TOOL_NAMES,
    async close() {
      await Promise.all([...sessions.keys()].map(closeSession));
      httpServer.closeAllConnections();
      await new Promise((resolve) => httpServer.close(() => resolve()));
    },
  };
}

function parsePort(argv, env) {
  const flagIndex = argv.indexOf('--port');
  const raw = flagIndex >= 0 ? argv[flagIndex + 1] : (env.FIXTURE_PORT ?? '0');
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`Invalid port "${raw}": pass --port <0-65535> or FIXTURE_PORT (0 = any free port).`);
  }
  return port;
}

async function main() {
  const fixture = await startFixtureServer({ port: parsePort(process.argv.slice(2), process.env) });
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    fixture.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  if (process.argv.includes('--exit-on-stdin-close')) {
    // The runner holds our stdin open; if it dies without killing us, we go too.
    process.stdin.on('end', shutdown);
    process.stdin.on('close', shutdown);
    process.stdin.resume();
  }
  process.stdout.write(`${JSON.stringify({ url: fixture.url, port: fixture.port, pid: process.pid })}\n`);
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntryPoint) {
  main().catch((error) => {
    process.stderr.write(`fixture: failed to start: ${error?.message ?? error}\n`);
    process.exit(1);
  });
}
