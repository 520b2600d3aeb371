import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';

/** A JSON-RPC message as the scripted upstream sees it. */
export interface WireMessage {
  jsonrpc: '2.0';
  id?: string | number;
  method?: string;
  params?: { [key: string]: unknown };
}

/** One HTTP request the scripted upstream received. */
export interface ScriptedRequest {
  method: string;
  headers: IncomingHttpHeaders;
  /** The parsed POST body. */
  body: WireMessage | WireMessage[] | undefined;
  /** True when the client closed the connection before the answer was complete. */
  closedEarly: boolean;
}

/** Answers one POST (a message or a batch); return false to fall through to the default answer. */
export type Answer = (body: WireMessage | WireMessage[], res: ServerResponse) => boolean | undefined;

/**
 * A hand-written MCP upstream on 127.0.0.1 that speaks Streamable HTTP byte by byte, so tests control exactly
 * what the client transport receives: chunking, content types, statuses, the GET stream. By default it answers
 * `initialize`, `tools/list` and `ping` with JSON, accepts notifications with 202, offers a GET stream, and
 * answers DELETE with 200.
 */
export interface ScriptedUpstream {
  url: string;
  requests: ScriptedRequest[];
  /** The session id handed out by the last `initialize`. */
  readonly sessionId: string | undefined;
  /** Tried first for every POSTed request. */
  answer: Answer | undefined;
  /** Status for GETs (200 opens an event stream). */
  getStatus: number;
  /** Status for DELETEs. */
  deleteStatus: number;
  /** The open GET streams. */
  streams: ServerResponse[];
  /** From now on, requests with the current session id get 404. */
  forgetSession(): void;
  /** POSTs of JSON-RPC requests with this method. */
  posts(method: string): ScriptedRequest[];
  close(): Promise<void>;
}

/** Writes `events` as one `text/event-stream` answer, all in one chunk, and ends it. */
export function answerWithEvents(res: ServerResponse, events: unknown[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.end(events.map((event) => `event: message\ndata: ${JSON.stringify(event)}\n\n`).join(''));
}

/** A JSON-RPC result answering `message`. */
export function resultFor(message: WireMessage, result: unknown) {
  return { jsonrpc: '2.0', id: message.id, result };
}

export async function startScriptedUpstream(): Promise<ScriptedUpstream> {
  let session = 0;
  let sessionId: string | undefined;
  const forgotten = new Set<string>();
  const requests: ScriptedRequest[] = [];
  const streams: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const seen: ScriptedRequest = {
        method: req.method ?? '',
        headers: req.headers,
        body: text ? JSON.parse(text) : undefined,
        closedEarly: false,
      };
      requests.push(seen);
      res.on('close', () => {
        seen.closedEarly = !res.writableFinished;
      });
      const asked = req.headers['mcp-session-id'];
      if (typeof asked === 'string' && forgotten.has(asked)) {
        res.writeHead(404).end('session not found');
      } else if (req.method === 'GET') {
        if (upstream.getStatus !== 200) res.writeHead(upstream.getStatus).end();
        else {
          res.writeHead(200, { 'content-type': 'text/event-stream' }).flushHeaders();
          streams.push(res);
          res.on('close', () => streams.splice(streams.indexOf(res), 1));
        }
      } else if (req.method === 'DELETE') {
        res.writeHead(upstream.deleteStatus).end();
      } else if (!upstream.answer?.(seen.body as WireMessage, res)) {
        answerPost(seen.body as WireMessage, res);
      }
    });
  });

  const answerPost = (message: WireMessage, res: ServerResponse) => {
    if (Array.isArray(message) || message.id === undefined || message.method === undefined) {
      res.writeHead(202).end();
      return;
    }
    if (message.method === 'initialize') {
      sessionId = `session-${++session}`;
      res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': sessionId });
      res.end(
        JSON.stringify(
          resultFor(message, {
            protocolVersion: LATEST_PROTOCOL_VERSION,
            capabilities: { tools: { listChanged: true } },
            serverInfo: { name: 'scripted', version: '1.0.0' },
          }),
        ),
      );
      return;
    }
    const result =
      message.method === 'tools/list' ? { tools: [{ name: 'echo', inputSchema: { type: 'object' } }] } : {};
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify(resultFor(message, result)));
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const upstream: ScriptedUpstream = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    requests,
    get sessionId() {
      return sessionId;
    },
    answer: undefined,
    getStatus: 200,
    deleteStatus: 200,
    streams,
    forgetSession() {
      if (sessionId) forgotten.add(sessionId);
    },
    posts(method) {
      return requests.filter(
        (r) => r.method === 'POST' && (r.body as WireMessage | undefined)?.method === method,
      );
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return upstream;
}
