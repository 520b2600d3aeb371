import type { IncomingMessage } from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { hasOpenssl, makeLoopbackCertificate } from '@cortex-mcp/test-servers';
import { fetch, request } from 'undici';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamPool } from '../../src/upstream/upstream-pool.js';

let tls: { key: string; cert: string };

beforeAll(() => {
  if (hasOpenssl()) tls = makeLoopbackCertificate();
});

interface CountingServer {
  origin: string;
  handshakes: number;
  /** HTTP version of every request, in arrival order. */
  versions: string[];
  close(): Promise<void>;
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** An https server that answers every request with "ok"; `h2` makes it offer HTTP/2 (and HTTP/1.1) by ALPN. */
async function startServer(kind: 'h2' | 'h1'): Promise<CountingServer> {
  // `/hold/<n>` answers nothing until n such requests are in flight at once, then answers them all.
  const held: Array<() => void> = [];
  const listener = (
    req: http2.Http2ServerRequest | IncomingMessage,
    res: { writeHead(status: number, headers: Record<string, string>): unknown; end(body: string): unknown },
  ) => {
    state.versions.push(req.httpVersion);
    const answer = () => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    };
    if (req.url === '/stream') {
      // An event stream that stays open until the connection closes.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      (res as unknown as { write(chunk: string): void }).write(': open\n\n');
      return;
    }
    const hold = /^\/hold\/(\d+)$/.exec(req.url ?? '');
    if (!hold) return answer();
    held.push(answer);
    if (held.length >= Number(hold[1])) for (const release of held.splice(0)) release();
  };
  const server =
    kind === 'h2'
      ? http2.createSecureServer({ ...tls, allowHTTP1: true }, listener)
      : https.createServer(tls, listener);
  const sockets = new Set<import('node:net').Socket>();
  server.on('secureConnection', (socket) => {
    state.handshakes += 1;
    sockets.add(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const state: CountingServer = {
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    handshakes: 0,
    versions: [],
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  closers.push(state.close);
  return state;
}

async function exchange(pool: UpstreamPool, origin: string): Promise<string[]> {
  const post = await request(`${origin}/mcp`, { method: 'POST', body: '{}', dispatcher: pool.requests });
  const stream = await request(`${origin}/mcp`, { method: 'GET', dispatcher: pool.streams });
  return [await post.body.text(), await stream.body.text()];
}

describe.skipIf(!hasOpenssl())('UpstreamPool', () => {
  it('sends requests and event streams to an HTTP/2 origin over one TLS connection', async () => {
    const server = await startServer('h2');
    const pool = new UpstreamPool({ connections: 10, http2: true, ca: tls.cert });
    closers.push(() => pool.close());
    expect(await exchange(pool, server.origin)).toEqual(['ok', 'ok']);
    expect(pool.isHttp2(server.origin)).toBe(true);
    expect(server.versions).toEqual(['2.0', '2.0']);
    expect(server.handshakes).toBe(1);
  });

  it('keeps event streams off the request pool of an HTTP/1.1-only origin', async () => {
    const server = await startServer('h1');
    const pool = new UpstreamPool({ connections: 10, http2: true, ca: tls.cert });
    closers.push(() => pool.close());
    expect(await exchange(pool, server.origin)).toEqual(['ok', 'ok']);
    expect(pool.isHttp2(server.origin)).toBe(false);
    expect(server.versions).toEqual(['1.1', '1.1']);
    // One connection for the request pool, one for the stream pool.
    expect(server.handshakes).toBe(2);
  });

  it('stays on HTTP/1.1 with an HTTP/2 origin when http2 is off', async () => {
    const server = await startServer('h2');
    const pool = new UpstreamPool({ connections: 10, http2: false, ca: tls.cert });
    closers.push(() => pool.close());
    expect(await exchange(pool, server.origin)).toEqual(['ok', 'ok']);
    expect(pool.isHttp2(server.origin)).toBe(false);
    expect(server.versions).toEqual(['1.1', '1.1']);
    expect(server.handshakes).toBe(2);
  });

  it('keeps 32 POSTs in flight at once on one HTTP/2 connection, whatever the pool size', async () => {
    const server = await startServer('h2');
    const pool = new UpstreamPool({ connections: 2, http2: true, ca: tls.cert });
    closers.push(() => pool.close());
    const bodies = await Promise.all(
      Array.from({ length: 32 }, async () => {
        const response = await request(`${server.origin}/x`, {
          method: 'POST',
          body: '{}',
          dispatcher: pool.requests,
        });
        return response.body.text();
      }),
    );
    expect(bodies.every((body) => body === 'ok')).toBe(true);
    expect(server.handshakes).toBe(1);
  });

  it('answers a fetch POST (streamed body) while an event stream is open on the same HTTP/2 connection', async () => {
    const server = await startServer('h2');
    const pool = new UpstreamPool({ connections: 10, http2: true, ca: tls.cert });
    closers.push(() => pool.close());
    await (
      await request(`${server.origin}/first`, { method: 'POST', body: '{}', dispatcher: pool.requests })
    ).body.text();
    const stream = await request(`${server.origin}/stream`, { method: 'GET', dispatcher: pool.streams });
    const reader = stream.body[Symbol.asyncIterator]();
    expect(String((await reader.next()).value)).toBe(': open\n\n');
    const posted = await fetch(`${server.origin}/after`, {
      method: 'POST',
      body: new Blob(['{"jsonrpc":"2.0"}']).stream(),
      duplex: 'half',
      dispatcher: pool.requests,
    });
    expect(await posted.text()).toBe('ok');
    expect(server.handshakes).toBe(1);
    stream.body.destroy();
  });
});
