import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { within } from './fixtures.js';

/** One step of an exchange the proxy forwarded, in the order the proxy saw it. */
export interface ProxyEvent {
  /** The route (first path segment) the request came in on. */
  readonly route: string;
  /** `request`: the request arrived (body read). `response-end`: the upstream's answer ended, its last bytes now go out. */
  readonly phase: 'request' | 'response-end';
  readonly httpMethod: string;
  /** JSON-RPC method of a POST body (the first message of a batch), if any. */
  readonly rpcMethod: string | undefined;
  readonly headers: IncomingHttpHeaders;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'host']);

/**
 * A small HTTP forwarding proxy on 127.0.0.1 that records what passes through it, so tests can observe what the
 * manager really sends (overlapping handshakes, headers, map requests) at the upstream's door. `route(name, url)`
 * gives a proxied URL for `url`; requests on it are forwarded to `url`'s origin, responses streamed back
 * (event streams included).
 */
export class RecordingProxy {
  readonly events: ProxyEvent[] = [];
  readonly #routes = new Map<string, string>();
  readonly #listeners = new Set<() => void>();
  // No keep-alive: every forwarded request has its own upstream socket, so close() leaves nothing behind.
  readonly #agent = new Agent({ keepAlive: false });
  #server: Server | undefined;
  #origin = '';

  /** Starts listening on an ephemeral loopback port. */
  async listen(): Promise<this> {
    const server = createServer((incoming, outgoing) => {
      void this.#forward(incoming, outgoing).catch(() => {
        if (!outgoing.headersSent) outgoing.writeHead(502).end();
        else outgoing.destroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    this.#origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  /** The proxied form of `targetUrl` under route `name` (same path and query, behind the proxy). */
  route(name: string, targetUrl: string): string {
    const target = new URL(targetUrl);
    this.#routes.set(name, target.origin);
    return `${this.#origin}/${name}${target.pathname}${target.search}`;
  }

  /** The events of one phase on one route. */
  eventsOf(route: string, phase: ProxyEvent['phase'] = 'request'): ProxyEvent[] {
    return this.events.filter((event) => event.route === route && event.phase === phase);
  }

  /** Resolves as soon as `predicate(events)` holds (checked on every new event), bounded by `timeoutMs`. */
  waitFor(predicate: (events: readonly ProxyEvent[]) => boolean, what: string, timeoutMs = 5_000) {
    let check: () => void = () => {};
    const reached = new Promise<void>((resolve) => {
      check = () => {
        if (predicate(this.events)) resolve();
      };
    });
    this.#listeners.add(check);
    check();
    return within(reached, timeoutMs, what).finally(() => this.#listeners.delete(check));
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.#agent.destroy();
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #record(event: ProxyEvent): void {
    this.events.push(event);
    for (const listener of [...this.#listeners]) listener();
  }

  async #forward(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const url = new URL(incoming.url ?? '/', this.#origin);
    const [, route = '', ...rest] = url.pathname.split('/');
    const origin = this.#routes.get(route);
    if (!origin) {
      outgoing.writeHead(404).end('unknown route');
      return;
    }
    const body = await readBody(incoming);
    const httpMethod = incoming.method ?? 'GET';
    const common = { route, httpMethod, rpcMethod: rpcMethodOf(body), headers: incoming.headers };
    this.#record({ ...common, phase: 'request' });
    const upstream = request(`${origin}/${rest.join('/')}${url.search}`, {
      method: httpMethod,
      headers: withoutHopByHop(incoming.headers),
      agent: this.#agent,
    });
    outgoing.on('close', () => upstream.destroy());
    upstream.on('response', (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
      answer.pipe(outgoing);
      // Recorded in the same tick as the last bytes are handed on: before the client can have read them.
      answer.on('end', () => this.#record({ ...common, phase: 'response-end' }));
      answer.on('error', () => outgoing.destroy());
    });
    upstream.on('error', () => {
      if (!outgoing.headersSent) outgoing.writeHead(502).end();
      else outgoing.destroy();
    });
    upstream.end(body);
  }
}

async function readBody(incoming: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function rpcMethodOf(body: Buffer): string | undefined {
  if (body.length === 0) return undefined;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    const first = (Array.isArray(parsed) ? parsed[0] : parsed) as { method?: unknown } | undefined;
    return typeof first?.method === 'string' ? first.method : undefined;
  } catch {
    return undefined;
  }
}

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}
