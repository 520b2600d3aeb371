// A farm of real MCP servers on one loopback origin: connector i answers at /c/<i>/mcp over Streamable HTTP
// (plain HTTP, or HTTPS with a certificate made at bench time), with injectable latency: a delay before each
// `initialize` is answered and a delay added to every tool call. It counts what the seed's table is about:
// TCP connections, TLS handshakes ('secureConnection'), initializations and requests. It can also serve a signed
// service map (with or without ETag support) from the same origin, so "handshakes per sync" includes the map.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';

/**
 * @typedef {object} FarmOptions
 * @property {number} connectorCount
 * @property {number} [toolsPerConnector] default 1 (the first tool is always `echo`)
 * @property {number} [initializeDelayMs] delay before `initialize` is answered (connect latency)
 * @property {number} [callDelayMs] delay added to every tool call
 * @property {{ key: string, cert: string }} [tls] serve HTTPS with this key and certificate
 * @property {boolean} [http2] with `tls`: offer HTTP/2 and HTTP/1.1 by ALPN (as most TLS front ends do)
 * @property {number} [origins] spread the connectors over this many origins (ports), round robin; default 1
 * @property {number} [port] default 0 (only with one origin)
 */

/**
 * @typedef {object} FarmStats
 * @property {number} tcpConnections
 * @property {number} tlsHandshakes     'secureConnection' events (every full or resumed handshake)
 * @property {number} tlsHandshakesForStreams  handshakes whose socket first carried a GET (an event stream)
 * @property {number} initializations
 * @property {number} toolCalls
 * @property {number} requests
 * @property {number} mapRequests
 * @property {number} mapNotModified
 * @property {number} mapBytes          bytes of map exchanges on the wire: request and response, headers included
 */

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The tool list of one connector: `echo` plus filler tools, each with a small JSON schema.
 * @param {number} count
 */
export function farmTools(count) {
  const tools = [
    {
      name: 'echo',
      description: 'Echoes the text back.',
      inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    },
  ];
  for (let index = 1; index < count; index += 1) {
    tools.push({
      name: `tool_${index}`,
      description: `Filler tool number ${index}; answers like echo.`,
      inputSchema: {
        type: 'object',
        properties: { text: { type: 'string', description: 'Any text.' }, count: { type: 'number' } },
      },
    });
  }
  return tools;
}

/** The one resource each farm connector serves, and its one prompt (the bench reads and gets them). */
export const FARM_RESOURCE_URI = 'farm:///doc.txt';
export const FARM_PROMPT = 'greet';

/** The text every farm connector answers for a call; the bench compares results against it. */
export function expectedEchoText(/** @type {string} */ connectorId, /** @type {string} */ text) {
  return `${connectorId}: ${text}`;
}

/**
 * Starts the farm.
 * @param {FarmOptions} options
 */
export async function startUpstreamFarm(options) {
  const tools = farmTools(options.toolsPerConnector ?? 1);
  /** @type {FarmStats} */
  const stats = {
    tcpConnections: 0,
    tlsHandshakes: 0,
    tlsHandshakesForStreams: 0,
    initializations: 0,
    toolCalls: 0,
    requests: 0,
    mapRequests: 0,
    mapNotModified: 0,
    mapBytes: 0,
  };
  /** @type {Map<string, StreamableHTTPServerTransport>} */
  const sessions = new Map();
  /** @type {Set<Server>} */
  const servers = new Set();
  /** @type {{ text: string, etag: string, etagEnabled: boolean } | undefined} */
  let map;
  const tlsSockets = new WeakSet();

  const newServer = (/** @type {string} */ connectorId) => {
    const server = new Server(
      { name: connectorId, version: '1.0.0' },
      { capabilities: { tools: {}, resources: {}, prompts: {}, logging: {} } },
    );
    server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
    server.setRequestHandler(ListResourcesRequestSchema, async () => ({
      resources: [{ uri: FARM_RESOURCE_URI, name: 'doc', mimeType: 'text/plain' }],
    }));
    server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
      if (options.callDelayMs) await sleep(options.callDelayMs);
      return { contents: [{ uri: request.params.uri, mimeType: 'text/plain', text: `${connectorId} doc` }] };
    });
    server.setRequestHandler(ListPromptsRequestSchema, async () => ({
      prompts: [{ name: FARM_PROMPT, arguments: [{ name: 'who', required: true }] }],
    }));
    server.setRequestHandler(GetPromptRequestSchema, async (request) => {
      if (options.callDelayMs) await sleep(options.callDelayMs);
      const who = String(request.params.arguments?.who ?? '');
      return {
        messages: [{ role: 'user', content: { type: 'text', text: `${connectorId}: hello ${who}` } }],
      };
    });
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      stats.toolCalls += 1;
      if (options.callDelayMs) await sleep(options.callDelayMs);
      const text = String(request.params.arguments?.text ?? '');
      // `log: true` sends one log message about the call first, on the call's own stream (the answer becomes SSE).
      if (request.params.arguments?.log === true) {
        await extra.sendNotification({
          method: 'notifications/message',
          params: { level: 'info', data: text },
        });
      }
      return { content: [{ type: 'text', text: expectedEchoText(connectorId, text) }] };
    });
    server.oninitialized = () => {
      stats.initializations += 1;
    };
    servers.add(server);
    return server;
  };

  const handle = async (
    /** @type {http.IncomingMessage} */ request,
    /** @type {http.ServerResponse} */ response,
  ) => {
    stats.requests += 1;
    const socket = request.socket;
    if (tlsSockets.has(socket)) {
      tlsSockets.delete(socket);
      if (request.method === 'GET') stats.tlsHandshakesForStreams += 1;
    }
    const url = request.url ?? '/';
    if (url === '/service-map.json') return serveMap(request, response);
    const match = /^\/c\/([^/]+)\/mcp$/.exec(url);
    if (!match) {
      response.writeHead(404).end('not found');
      return;
    }
    const connectorId = /** @type {string} */ (match[1]);
    const sessionId = request.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const transport = sessions.get(sessionId);
      if (!transport) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }),
        );
        return;
      }
      await transport.handleRequest(request, response);
      return;
    }
    if (request.method !== 'POST') {
      response.writeHead(405).end();
      return;
    }
    if (options.initializeDelayMs) await sleep(options.initializeDelayMs);
    /** @type {StreamableHTTPServerTransport} */
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, transport);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await newServer(connectorId).connect(transport);
    await transport.handleRequest(request, response);
  };

  const serveMap = (
    /** @type {http.IncomingMessage} */ request,
    /** @type {http.ServerResponse} */ response,
  ) => {
    stats.mapRequests += 1;
    // Bytes on the wire for this exchange: request line and headers, response headers and body.
    const requestBytes =
      Buffer.byteLength(`${request.method} ${request.url} HTTP/1.1\r\n`) +
      request.rawHeaders.reduce((sum, part) => sum + Buffer.byteLength(part) + 2, 0) +
      2;
    let bodyBytes = 0;
    response.on('finish', () => {
      // HTTP/1.1: `_header` is the serialized status line and headers once they are sent. HTTP/2 (HPACK) has no
      // such text; its uncompressed header size stands in for it.
      const sent = /** @type {{ _header?: unknown }} */ (/** @type {unknown} */ (response))._header;
      const headerBytes =
        typeof sent === 'string'
          ? Buffer.byteLength(sent)
          : Object.entries(response.getHeaders()).reduce(
              (sum, [name, value]) => sum + Buffer.byteLength(`${name}: ${String(value)}\r\n`),
              0,
            );
      stats.mapBytes += requestBytes + headerBytes + bodyBytes;
    });
    if (!map) {
      response.writeHead(404).end();
      return;
    }
    if (map.etagEnabled && request.headers['if-none-match'] === map.etag) {
      stats.mapNotModified += 1;
      response.writeHead(304, { etag: map.etag }).end();
      return;
    }
    /** @type {Record<string, string>} */
    const headers = { 'content-type': 'application/json' };
    if (map.etagEnabled) headers.etag = map.etag;
    bodyBytes = Buffer.byteLength(map.text);
    response.writeHead(200, headers).end(map.text);
  };

  const listener = (
    /** @type {http.IncomingMessage} */ request,
    /** @type {http.ServerResponse} */ response,
  ) => {
    handle(request, response).catch((/** @type {unknown} */ error) => {
      if (!response.headersSent) response.writeHead(500).end(String(error));
    });
  };
  const originCount = Math.max(1, options.origins ?? 1);
  /** @type {Array<{ server: http.Server | import('node:http2').Http2SecureServer, origin: string, sockets: Set<import('node:net').Socket> }>} */
  const listeners = [];
  for (let index = 0; index < originCount; index += 1) {
    listeners.push(await listenOne(index === 0 ? (options.port ?? 0) : 0));
  }
  const origin = /** @type {string} */ (listeners[0]?.origin);

  /** @param {number} port */
  async function listenOne(port) {
    const server = !options.tls
      ? http.createServer(listener)
      : options.http2
        ? http2.createSecureServer(
            { key: options.tls.key, cert: options.tls.cert, allowHTTP1: true },
            listener,
          )
        : https.createServer({ key: options.tls.key, cert: options.tls.cert }, listener);
    // Like a typical load balancer: idle keep-alive connections live a minute (Node's default is 5 s).
    if ('keepAliveTimeout' in server) server.keepAliveTimeout = 65_000;
    /** @type {Set<import('node:net').Socket>} */
    const sockets = new Set();
    server.on('connection', (/** @type {import('node:net').Socket} */ socket) => {
      stats.tcpConnections += 1;
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    server.on('secureConnection', (/** @type {import('node:tls').TLSSocket} */ socket) => {
      stats.tlsHandshakes += 1;
      tlsSockets.add(socket);
    });
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve(undefined));
    });
    const address = /** @type {import('node:net').AddressInfo} */ (server.address());
    return { server, origin: `${options.tls ? 'https' : 'http'}://127.0.0.1:${address.port}`, sockets };
  }

  return {
    origin,
    origins: listeners.map((entry) => entry.origin),
    port: Number(new URL(origin).port),
    stats,
    /** @param {number} index */
    connectorId: (index) => `c${index}`,
    /** @param {number} index */
    connectorUrl: (index) => `${listeners[index % originCount]?.origin}/c/c${index}/mcp`,
    mapUrl: `${origin}/service-map.json`,
    /**
     * Serves `text` at /service-map.json from now on.
     * @param {string} text
     * @param {{ etagEnabled?: boolean }} [mapOptions]
     */
    publishMap(text, mapOptions = {}) {
      const etag = `"${Buffer.from(text).length.toString(36)}-${hash(text)}"`;
      map = { text, etag, etagEnabled: mapOptions.etagEnabled ?? true };
    },
    /** @param {boolean} enabled */
    setMapEtag(enabled) {
      if (map) map.etagEnabled = enabled;
    },
    sessionCount: () => sessions.size,
    async close() {
      await Promise.allSettled([...servers].map((entry) => entry.close()));
      await Promise.all(
        listeners.map(({ server, sockets }) => {
          const closed = new Promise((resolve) => server.close(() => resolve(undefined)));
          for (const socket of sockets) socket.destroy();
          return closed;
        }),
      );
    },
  };
}

/** @param {string} text */
function hash(text) {
  let value = 0;
  for (let index = 0; index < text.length; index += 1)
    value = (Math.imul(value, 31) + text.charCodeAt(index)) | 0;
  return (value >>> 0).toString(36);
}

/** @typedef {Awaited<ReturnType<typeof startUpstreamFarm>>} UpstreamFarm */
