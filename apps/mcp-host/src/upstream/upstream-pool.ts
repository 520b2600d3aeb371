import { isIP, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector, Client, type Dispatcher, Pool } from 'undici';
import type { EgressPolicy } from './egress-policy.js';
import { FirstConnectionGate } from './first-connection-gate.js';
import { originKey } from './origin-key.js';
import { StreamRouter } from './stream-router.js';

/** Options of {@link UpstreamPool}. */
export interface UpstreamPoolOptions {
  /** HTTP/1.1 connections per origin in the shared request pool. */
  readonly connections: number;
  /** Offer HTTP/2 by ALPN to https origins (an origin that declines stays on HTTP/1.1). */
  readonly http2: boolean;
  /** Trusted CA certificates (PEM) for https upstreams, replacing Node's default list when set. */
  readonly ca?: string | readonly string[] | undefined;
  /** Where connections may go, checked on the address actually connected. Default: anywhere. */
  readonly egress?: EgressPolicy | undefined;
  /** Origins (`https://maps.example:443`) the egress policy does not apply to: the operator's own map endpoint. */
  readonly egressExemptOrigins?: readonly string[] | undefined;
}

const KEEP_ALIVE_TIMEOUT_MS = 30_000;
/** Requests in flight on one HTTP/2 connection (Node's servers allow 100 concurrent streams by default). */
const HTTP2_STREAMS_PER_CONNECTION = 100;

/**
 * The host's connections to every upstream (the map endpoint and the connectors):
 *
 * - `requests`: the shared pool for request/response exchanges (POST, DELETE, the map GET), `connections` per
 *   origin, one request at a time per HTTP/1.1 connection, keep-alive. With `http2`, an https origin that accepts
 *   `h2` gets one multiplexed connection for everything — one TLS handshake per origin.
 * - `streams`: where long-lived event streams (GET) go. On an HTTP/1.1 origin a stream holds its connection for as
 *   long as it lives, so streams get a pool of their own and can never starve the request pool. On an origin that
 *   negotiated `h2`, a stream is one more multiplexed stream on the request connection, so it is sent there and
 *   costs no connection and no handshake of its own.
 *
 * The protocol of an https origin is known only once its first connection is up, so while that first connection
 * is being made, further requests to the origin wait for it: had they been dispatched at once, each would have
 * opened (and paid the handshake of) a connection of its own.
 */
export class UpstreamPool {
  readonly #options: UpstreamPoolOptions;
  /** Origins (`https://host:port`) whose connections negotiated HTTP/2. */
  readonly #h2Origins = new Set<string>();
  /** Origins whose protocol is known (their first connection finished or failed). */
  readonly #knownOrigins = new Set<string>();
  readonly #streamPool: Agent;
  readonly #ownAgents = new Set<Agent>();
  readonly #agent: Agent;
  /** The shared request pool, as undici's `Agent` API. */
  readonly requests: Dispatcher;
  /** Where event streams (GET) go: the request pool on HTTP/2 origins, a pool of their own otherwise. */
  readonly streams: Dispatcher;

  constructor(options: UpstreamPoolOptions) {
    this.#options = options;
    this.#streamPool = new Agent({ bodyTimeout: 0, connect: this.#connector(false) });
    this.#agent = this.#newRequestAgent();
    this.requests = options.http2
      ? new FirstConnectionGate(this.#agent, this.#knownOrigins, this.#h2Origins)
      : this.#agent;
    this.streams = new StreamRouter(this.requests, this.#streamPool, (origin) => this.#h2Origins.has(origin));
  }

  /** The request pool's undici `Agent`. */
  get agent(): Agent {
    return this.#agent;
  }

  /** Whether requests to `origin` (e.g. `https://127.0.0.1:8443`) travel over HTTP/2. */
  isHttp2(origin: string): boolean {
    return this.#h2Origins.has(origin);
  }

  /**
   * A request pool of its own (the seed's per-connector baseline, for measuring only): it shares nothing, so it
   * pays its own handshakes. Closed with the pool.
   */
  ownRequestAgent(): Agent {
    const agent = this.#newRequestAgent();
    this.#ownAgents.add(agent);
    return agent;
  }

  /** Closes every connection: requests finish first, event streams are cut. */
  async close(): Promise<void> {
    if (this.requests instanceof FirstConnectionGate) this.requests.releaseAll();
    await Promise.allSettled([
      this.#agent.close(),
      this.#streamPool.destroy(),
      ...[...this.#ownAgents].map((agent) => agent.close()),
    ]);
  }

  #tls(): { ca?: string | string[] } {
    const { ca } = this.#options;
    return ca === undefined ? {} : { ca: typeof ca === 'string' ? ca : [...ca] };
  }

  /**
   * The function undici opens connections with: TLS options, ALPN (`allowH2`), and the egress policy — an IP
   * literal is checked before connecting, a host name through a DNS lookup that drops refused addresses.
   */
  #connector(allowH2: boolean): buildConnector.connector {
    const { egress } = this.#options;
    const exempt = new Set(this.#options.egressExemptOrigins ?? []);
    const plain = buildConnector({ allowH2, ...this.#tls() });
    if (egress === undefined) return plain;
    const guarded = {
      'http:': buildConnector({ allowH2, ...this.#tls(), lookup: egress.lookupFor('http:') } as never),
      'https:': buildConnector({ allowH2, ...this.#tls(), lookup: egress.lookupFor('https:') } as never),
    };
    return (options, callback) => {
      const origin = `${options.protocol}//${options.host ?? `${options.hostname}:${options.port}`}`;
      if (exempt.has(origin)) return plain(options, callback);
      if (isIP(options.hostname) !== 0) {
        try {
          egress.assertAllowed(options.hostname, options.protocol);
        } catch (error) {
          (callback as (error: Error, socket: null) => void)(error as Error, null);
          return;
        }
        return plain(options, callback);
      }
      const connect = options.protocol === 'http:' ? guarded['http:'] : guarded['https:'];
      return connect(options, callback);
    };
  }

  #newRequestAgent(): Agent {
    const { http2, connections } = this.#options;
    const connect = this.#connector(http2);
    const agent = new Agent({
      connections,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      allowH2: http2,
      factory: (origin, poolOptions) =>
        new Pool(origin, {
          ...poolOptions,
          factory: (clientOrigin, clientOptions) =>
            new Client(clientOrigin, { ...clientOptions, pipelining: this.#initialPipelining(clientOrigin) }),
        }),
      connect: (options, callback) =>
        connect(options, (error, socket) => {
          if (!error && (socket as TLSSocket | null)?.alpnProtocol === 'h2') {
            this.#h2Origins.add(
              `${options.protocol}//${options.host ?? `${options.hostname}:${options.port}`}`,
            );
          }
          // buildConnector's callback type is a union of its success and error signatures.
          (callback as (error: Error | null, socket: Socket | TLSSocket | null) => void)(error, socket);
        }),
    });
    // undici counts a client busy at `pipelining` requests, HTTP/2 or not. A new client of an https origin that may
    // speak h2 starts with room for many streams (only one request reaches it before it connects: the gate holds
    // the rest); once connected, an HTTP/1.1 client drops to one request at a time, since pipelined POSTs would
    // queue behind each other.
    agent.on('connect', (origin, targets) => {
      const key = originKey(origin);
      const client = targets.at(-1) as Client | undefined;
      if (client) client.pipelining = this.#h2Origins.has(key) ? HTTP2_STREAMS_PER_CONNECTION : 1;
      // After the client has sent its first request and told the pool it has room again ('drain'); released
      // now, the held requests would find it still busy and open connections of their own.
      setImmediate(() => this.#release(key));
    });
    agent.on('connectionError', (origin) => this.#release(originKey(origin)));
    return agent;
  }

  #initialPipelining(origin: URL | string): number {
    const key = originKey(origin);
    const mayBeH2 = this.#options.http2 && key.startsWith('https:');
    if (!mayBeH2) return 1;
    return !this.#knownOrigins.has(key) || this.#h2Origins.has(key) ? HTTP2_STREAMS_PER_CONNECTION : 1;
  }

  #release(origin: string): void {
    this.#knownOrigins.add(origin);
    if (this.requests instanceof FirstConnectionGate) this.requests.release(origin);
  }
}
