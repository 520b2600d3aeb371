import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signServiceMap, type UnsignedServiceMapPayload } from '@cortex-mcp/service-map-loader';

/** What the publisher has served so far: the demo prints these to show the shared pool and ETags at work. */
export interface PublisherStats {
  requests: number;
  tcpConnections: number;
  notModified: number;
  bodyBytes: number;
}

/**
 * A local service-map endpoint on 127.0.0.1: signs each published map with a key made for this run, serves it with
 * an ETag (304 on a matching If-None-Match), and can be switched into an outage (503) to show stale-on-error.
 */
export class MapPublisher {
  /** The signing key, made fresh for this run; it never leaves the process. */
  readonly signatureKey = randomBytes(32).toString('base64url');
  readonly stats: PublisherStats = { requests: 0, tcpConnections: 0, notModified: 0, bodyBytes: 0 };
  #server: Server | undefined;
  #text = '';
  #etag = '';
  #down = false;

  /** Signs and publishes `map`; the next request gets it. */
  publish(map: UnsignedServiceMapPayload): void {
    this.#text = JSON.stringify(signServiceMap(map, this.signatureKey), null, 2);
    this.#etag = `"${createHash('sha256').update(this.#text).digest('base64url').slice(0, 16)}"`;
  }

  /** While down, every request gets a 503 with `Retry-After`. */
  setDown(down: boolean): void {
    this.#down = down;
  }

  /** Starts listening on an ephemeral loopback port and returns the map's URL. */
  async listen(): Promise<string> {
    const server = createServer((request, response) => {
      this.stats.requests += 1;
      if (this.#down) {
        response.writeHead(503, { 'retry-after': '1', 'content-type': 'text/plain' }).end('maintenance');
        return;
      }
      if (request.headers['if-none-match'] === this.#etag) {
        this.stats.notModified += 1;
        response.writeHead(304, { etag: this.#etag }).end();
        return;
      }
      this.stats.bodyBytes += Buffer.byteLength(this.#text);
      response.writeHead(200, { 'content-type': 'application/json', etag: this.#etag }).end(this.#text);
    });
    server.on('connection', () => {
      this.stats.tcpConnections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    const { port } = server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/service-map.json`;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
