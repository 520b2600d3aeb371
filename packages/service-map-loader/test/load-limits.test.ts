import { afterEach, describe, expect, it } from 'vitest';
import { loadConnectorServiceMap, ServiceMapError, type ServiceMapTimers } from '../src/index.js';
import { type Handler, startServer, type TestServer } from './helpers/map-server.js';
import { clock, signedMapText, TEST_KEY } from './helpers/maps.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function loadError(
  handler: Handler,
  extra: { timeoutMs?: number; maxBytes?: number; signal?: AbortSignal; timers?: ServiceMapTimers },
) {
  server = await startServer(handler);
  const error = await loadConnectorServiceMap({
    serviceMapUrl: `${server.origin}/map`,
    signatureKey: TEST_KEY,
    clock,
    ...extra,
  }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ServiceMapError);
  return error as ServiceMapError;
}

describe('limits', () => {
  it('times out a server that never sends headers', async () => {
    const error = await loadError(() => undefined, { timeoutMs: 300 });
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('timeoutMs (300 ms)');
  });

  it('times out a server that stalls in the middle of the body', async () => {
    const text = signedMapText();
    const error = await loadError(
      (_request, response) => {
        response.writeHead(200, {
          'content-type': 'application/json',
          'content-length': String(text.length),
        });
        response.write(text.slice(0, 20));
      },
      { timeoutMs: 300 },
    );
    expect(error.code).toBe('timeout');
  });

  it('rejects a declared Content-Length above maxBytes before reading', async () => {
    const body = 'x'.repeat(2048);
    const error = await loadError(
      (_request, response) => {
        response.writeHead(200, { 'content-length': String(body.length) });
        response.end(body);
      },
      { maxBytes: 1024 },
    );
    expect(error.code).toBe('too_large');
    expect(error.message).toContain('maxBytes');
  });

  it('cuts off a chunked body as soon as it passes maxBytes', async () => {
    let written = 0;
    const error = await loadError(
      (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        // An endless body: it only stops when the client goes away (or after a bounded 64 MiB).
        const pump = () => {
          while (written < 64 * 1024 * 1024 && !response.destroyed) {
            written += 16 * 1024;
            if (!response.write('x'.repeat(16 * 1024))) return void response.once('drain', pump);
          }
          response.end();
        };
        pump();
      },
      { maxBytes: 64 * 1024, timeoutMs: 5_000 },
    );
    expect(error.code).toBe('too_large');
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it('cuts a body that trickles forever under maxBytes when the deadline fires', async () => {
    // The deadline's timer is injected and fired by hand once the server has trickled a few chunks: no waiting on
    // wall-clock time, and the body never gets near maxBytes.
    let fireDeadline: (() => void) | undefined;
    const timers = {
      setTimeout: (callback: () => void) => {
        fireDeadline = callback;
        return 1;
      },
      clearTimeout: () => undefined,
    };
    let written = 0;
    let trickled: () => void = () => undefined;
    const trickledEnough = new Promise<void>((resolve) => {
      trickled = resolve;
    });
    let serverSawClose: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => {
      serverSawClose = resolve;
    });
    const load = loadError(
      (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        const interval = setInterval(() => {
          // JSON whitespace, one byte at a time; bounded so a broken client cannot keep the test alive.
          if (written >= 10_000) return void clearInterval(interval);
          response.write(' ');
          written += 1;
          if (written === 5) trickled();
        }, 2);
        response.on('close', () => {
          clearInterval(interval);
          serverSawClose();
        });
      },
      { timeoutMs: 60_000, maxBytes: 1024, timers },
    );
    await trickledEnough;
    fireDeadline?.();
    const error = await load;
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('timeoutMs (60000 ms)');
    await closed;
    expect(written).toBeLessThan(1024);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const error = await loadError(
      () => {
        controller.abort();
      },
      { signal: controller.signal, timeoutMs: 5_000 },
    );
    expect(error.code).toBe('aborted');
  });

  it('does not start when the signal is already aborted', async () => {
    const error = await loadError(() => undefined, { signal: AbortSignal.abort(), timeoutMs: 5_000 });
    expect(error.code).toBe('aborted');
    expect(server?.requests).toHaveLength(0);
  });
});
