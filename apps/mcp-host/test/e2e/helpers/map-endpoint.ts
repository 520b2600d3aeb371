import { createHash } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { signServiceMap, type UnsignedServiceMapPayload } from '@cortex-mcp/service-map-loader';
import { closeNow, listenOnLoopback } from './loopback-http.js';

/** How the endpoint answers: the map (with ETag / 304), 503, or never (the request hangs until close). */
export type MapEndpointMode = 'serve' | 'down' | 'hang';

/**
 * A service-map endpoint on 127.0.0.1 whose failures a test controls: unlike the demo's `MapPublisher` it can hang
 * (to make the host's map timeout fire) and can serve a map signed with any key (to make verification fail).
 */
export class MapEndpoint {
  readonly stats = { requests: 0, hung: 0 };
  #server: Server | undefined;
  #text = '';
  #etag = '';
  #mode: MapEndpointMode = 'serve';
  readonly #hanging = new Set<ServerResponse>();

  /** Signs `map` with `key` and serves it from the next request on. */
  publish(map: UnsignedServiceMapPayload, key: string): void {
    this.#text = JSON.stringify(signServiceMap(map, key));
    this.#etag = `"${createHash('sha256').update(this.#text).digest('base64url').slice(0, 16)}"`;
  }

  setMode(mode: MapEndpointMode): void {
    this.#mode = mode;
  }

  /** Listens on an ephemeral loopback port; resolves with the map URL. */
  async listen(): Promise<string> {
    const server = createServer((request, response) => {
      this.stats.requests += 1;
      if (this.#mode === 'hang') {
        this.stats.hung += 1;
        this.#hanging.add(response);
        response.on('close', () => this.#hanging.delete(response));
        return;
      }
      if (this.#mode === 'down') {
        response.writeHead(503, { 'content-type': 'text/plain' }).end('maintenance');
        return;
      }
      if (request.headers['if-none-match'] === this.#etag) {
        response.writeHead(304, { etag: this.#etag }).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json', etag: this.#etag }).end(this.#text);
    });
    const url = await listenOnLoopback(server, '/service-map.json');
    this.#server = server;
    return url;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    await closeNow(server, this.#hanging);
  }
}
