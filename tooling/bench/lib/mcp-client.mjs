// A lean MCP client over Streamable HTTP for load generation: one session, raw JSON-RPC over an undici Pool, so
// the client's own cost is small and identical for every target (direct upstream, our host, the peers).
import { Pool } from 'undici';

const PROTOCOL_VERSION = '2025-06-18';

/**
 * Parses a JSON or SSE response body and returns the JSON-RPC response with the given id.
 * @param {string} contentType
 * @param {string} text
 * @param {number} id
 */
export function responseFromBody(contentType, text, id) {
  if (contentType.includes('text/event-stream')) {
    for (const event of text.split(/\r?\n\r?\n/)) {
      const data = event
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (!data) continue;
      const message = JSON.parse(data);
      if (message.id === id) return message;
    }
    throw new Error(`no response with id ${id} in the event stream`);
  }
  const message = JSON.parse(text);
  const found = Array.isArray(message) ? message.find((entry) => entry.id === id) : message;
  if (!found) throw new Error(`no response with id ${id}`);
  return found;
}

/**
 * Opens one MCP session at `url`.
 * @param {string} url the MCP endpoint
 * @param {{ connections?: number, headers?: Record<string, string> }} [options]
 */
export async function openMcpSession(url, options = {}) {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: options.connections ?? 32, pipelining: 1 });
  /** @type {Record<string, string>} */
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    ...options.headers,
  };
  let nextId = 1;

  /** @param {string} method @param {unknown} params */
  const rpc = async (method, params) => {
    const id = nextId++;
    const response = await pool.request({
      method: 'POST',
      path: target.pathname + target.search,
      headers,
      body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
    });
    const text = await response.body.text();
    if (response.statusCode >= 400)
      throw new Error(`${method}: HTTP ${response.statusCode} ${text.slice(0, 200)}`);
    const message = responseFromBody(String(response.headers['content-type'] ?? ''), text, id);
    if (message.error) throw new Error(`${method}: JSON-RPC ${message.error.code} ${message.error.message}`);
    return { result: message.result, response };
  };

  const initialized = await rpc('initialize', {
    protocolVersion: PROTOCOL_VERSION,
    capabilities: {},
    clientInfo: { name: 'cortex-bench', version: '1.0.0' },
  });
  const sessionId = initialized.response.headers['mcp-session-id'];
  if (typeof sessionId === 'string') headers['mcp-session-id'] = sessionId;
  headers['mcp-protocol-version'] = initialized.result.protocolVersion ?? PROTOCOL_VERSION;
  const notified = await pool.request({
    method: 'POST',
    path: target.pathname + target.search,
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  });
  await notified.body.dump();

  return {
    serverInfo: initialized.result.serverInfo,
    /** @returns {Promise<{ name: string }[]>} */
    async listTools() {
      /** @type {{ name: string }[]} */
      const tools = [];
      /** @type {string | undefined} */
      let cursor;
      for (let page = 0; page < 100; page += 1) {
        const { result } = await rpc('tools/list', cursor ? { cursor } : {});
        tools.push(...result.tools);
        cursor = result.nextCursor;
        if (!cursor) break;
      }
      return tools;
    },
    /**
     * @param {string} name
     * @param {Record<string, unknown>} args
     */
    async callTool(name, args) {
      return (await rpc('tools/call', { name, arguments: args })).result;
    },
    /**
     * Any request; resolves with its result.
     * @param {string} method
     * @param {unknown} params
     */
    async request(method, params) {
      return (await rpc(method, params)).result;
    },
    async close() {
      if (headers['mcp-session-id']) {
        await pool
          .request({ method: 'DELETE', path: target.pathname + target.search, headers })
          .then((response) => response.body.dump())
          .catch(() => undefined);
      }
      await pool.close();
    },
  };
}

/** @typedef {Awaited<ReturnType<typeof openMcpSession>>} McpSession */

/**
 * @typedef {object} LoadResult
 * @property {number[]} latenciesMs
 * @property {number} durationMs
 * @property {number} callsPerSecond
 */

/**
 * Runs `total` calls with `concurrency` in flight, each timed.
 * @param {(index: number) => Promise<unknown>} call
 * @param {{ total: number, concurrency: number, timeLimitMs?: number }} options
 * @returns {Promise<LoadResult>}
 */
export async function runLoad(call, options) {
  const latenciesMs = [];
  let issued = 0;
  const deadline = performance.now() + (options.timeLimitMs ?? 60_000);
  const startedAt = performance.now();
  const worker = async () => {
    while (issued < options.total && performance.now() < deadline) {
      const index = issued++;
      const callStartedAt = performance.now();
      await call(index);
      latenciesMs.push(performance.now() - callStartedAt);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const durationMs = performance.now() - startedAt;
  return { latenciesMs, durationMs, callsPerSecond: (latenciesMs.length / durationMs) * 1000 };
}

/**
 * Opens one MCP session over the legacy HTTP+SSE transport (GET the event stream, POST to the endpoint it names;
 * answers arrive on the stream). Same interface as {@link openMcpSession}; for gateways that serve only SSE.
 * @param {string} url the SSE endpoint
 * @param {{ connections?: number }} [options]
 * @returns {Promise<McpSession>}
 */
export async function openSseSession(url, options = {}) {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: (options.connections ?? 32) + 1, pipelining: 1 });
  const stream = await pool.request({
    method: 'GET',
    path: target.pathname + target.search,
    headers: { accept: 'text/event-stream' },
  });
  if (stream.statusCode !== 200) {
    await stream.body.dump();
    await pool.close();
    throw new Error(`SSE stream: HTTP ${stream.statusCode}`);
  }
  /** @type {Map<number, { resolve: (message: any) => void, reject: (error: Error) => void }>} */
  const pending = new Map();
  /** @type {(path: string) => void} */
  let onEndpoint = () => {};
  const endpointPath = new Promise((resolve) => {
    onEndpoint = resolve;
  });
  let buffer = '';
  stream.body.setEncoding('utf8');
  stream.body.on('data', (/** @type {string} */ chunk) => {
    buffer += chunk;
    let boundary = buffer.search(/\r?\n\r?\n/);
    while (boundary >= 0) {
      const event = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + (buffer[boundary] === '\r' ? 4 : 2));
      boundary = buffer.search(/\r?\n\r?\n/);
      const lines = event.split(/\r?\n/);
      const type =
        lines
          .find((line) => line.startsWith('event:'))
          ?.slice(6)
          .trim() ?? 'message';
      const data = lines
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (type === 'endpoint') onEndpoint(new URL(data, target).pathname + new URL(data, target).search);
      else if (data) {
        const message = JSON.parse(data);
        if (message.id !== undefined) pending.get(message.id)?.resolve(message);
        pending.delete(message.id);
      }
    }
  });
  stream.body.on('error', (/** @type {Error} */ error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  });
  const postPath = /** @type {string} */ (await endpointPath);
  let nextId = 1;
  /** @param {object} message */
  const post = async (message) => {
    const response = await pool.request({
      method: 'POST',
      path: postPath,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
    });
    const text = await response.body.text();
    if (response.statusCode >= 400)
      throw new Error(`POST: HTTP ${response.statusCode} ${text.slice(0, 200)}`);
  };
  /** @param {string} method @param {unknown} params */
  const rpc = async (method, params) => {
    const id = nextId++;
    const answer = new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
    await post({ jsonrpc: '2.0', id, method, params });
    const message = /** @type {any} */ (await answer);
    if (message.error) throw new Error(`${method}: JSON-RPC ${message.error.code} ${message.error.message}`);
    return message.result;
  };
  const initialized = await rpc('initialize', {
    protocolVersion: '2025-03-26',
    capabilities: {},
    clientInfo: { name: 'cortex-bench', version: '1.0.0' },
  });
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return {
    serverInfo: initialized.serverInfo,
    async listTools() {
      /** @type {{ name: string }[]} */
      const tools = [];
      /** @type {string | undefined} */
      let cursor;
      for (let page = 0; page < 100; page += 1) {
        const result = await rpc('tools/list', cursor ? { cursor } : {});
        tools.push(...result.tools);
        cursor = result.nextCursor;
        if (!cursor) break;
      }
      return tools;
    },
    callTool: (name, args) => rpc('tools/call', { name, arguments: args }),
    async close() {
      stream.body.destroy();
      await pool.destroy();
    },
  };
}
