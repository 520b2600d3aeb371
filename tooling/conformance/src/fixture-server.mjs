#!/usr/bin/env node
// Fixture upstream for the MCP conformance suite (@modelcontextprotocol/conformance 0.1.16).
//
// A real MCP server (SDK Server) over Streamable HTTP on 127.0.0.1 that implements what every server scenario of
// the suite asks for: the tools, resources, prompts, completion and logging, and resumable SSE streams. The
// MCP side lives in ./fixture/ (one file per feature); this file is the HTTP side: sessions, Host/Origin checks,
// and the program entry. The host serves the fixture under its own names, so the suite can run the same scenarios
// through the host.
//
// Usage: node src/fixture-server.mjs [--port N]      (or FIXTURE_PORT=N; 0 or unset = ephemeral port)
// When ready it prints one JSON line on stdout: {"url":"http://127.0.0.1:<port>/mcp","port":<port>,"pid":<pid>}
// It stops cleanly on SIGTERM / SIGINT, and when stdin closes if started with --exit-on-stdin-close.

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import {
  createEventStore,
  createFixtureSession,
  createWatchedResource,
  FIXTURE_PROMPT_NAMES,
  FIXTURE_TOOL_NAMES,
} from './fixture/index.mjs';

export { FIXTURE_PROMPT_NAMES, FIXTURE_TOOL_NAMES };

const BIND_ADDRESS = '127.0.0.1';
const MCP_PATH = '/mcp';
/** Sessions are bounded: the dns-rebinding scenario opens sessions it never closes. */
const MAX_SESSIONS = 64;
/** The `retry` a 2025-11-25 client gets in each POST stream's priming event: how long to wait before resuming. */
const SSE_RETRY_MS = 500;
const LOCAL_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

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

/**
 * Starts the fixture; resolves with its URL and a `close()` that ends every session and the listener.
 * `watchedResourceIntervalMs` sets how often test://watched-resource changes while subscribed (tests shorten it).
 */
export async function startFixtureServer({ port = 0, watchedResourceIntervalMs } = {}) {
  /** @type {Map<string, { transport: StreamableHTTPServerTransport, server: import('@modelcontextprotocol/sdk/server/index.js').Server }>} */
  const sessions = new Map();
  const watched = createWatchedResource({ intervalMs: watchedResourceIntervalMs });

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
    const { server, dispose } = createFixtureSession({ watched });
    server.onclose = dispose;
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      // Resumable streams (SEP-1699): event ids, priming events with `retry`, replay after Last-Event-ID.
      eventStore: createEventStore(),
      retryInterval: SSE_RETRY_MS,
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
      watched.close();
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
