// The status page at `/` and its two assets, without a browser: what the server sends, under which headers, to whom.
// The browser half (rendering, live updates, escaping) is test/e2e/status-page.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { HostMetrics } from '../../src/metrics.js';
import { STATUS_PAGE_CSP } from '../../src/server/http/status-page/routes.js';
import { createHostHttpServer, type HostHttpServer } from '../../src/server/index.js';
import { createTestRegistry, rawRequest } from './support.js';

let server: HostHttpServer;

beforeAll(async () => {
  server = await createHostHttpServer({
    registry: createTestRegistry().registry,
    metrics: new HostMetrics({ defaultMetrics: false }),
    logger: silentLogger(),
    getStatus: () => ({ version: '1.2.3', connectors: [] }),
    isReady: () => true,
    serverInfo: { name: 'status-page-test', version: '1' },
  });
});
afterAll(async () => {
  await server.close();
});

/** One raw request to the server under test (see rawRequest). */
const send = (path: string, options?: Parameters<typeof rawRequest>[2]) =>
  rawRequest(server.port, path, options);

describe('status page over HTTP', () => {
  it('serves HTML at / that loads its script and stylesheet from this origin, under a strict CSP', async () => {
    const page = await send('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['content-security-policy']).toBe(STATUS_PAGE_CSP);
    expect(STATUS_PAGE_CSP).toContain("default-src 'self'");
    expect(STATUS_PAGE_CSP).not.toContain('unsafe-inline');
    expect(Number(page.headers['content-length'])).toBe(Buffer.byteLength(page.body));
    expect(page.body).toMatch(/^<!doctype html>/);
    expect(page.body).toContain('<script src="status-page.js" defer></script>');
    expect(page.body).toContain('<link rel="stylesheet" href="status-page.css">');
    // No inline script or style: the CSP would block it, so the page must not depend on any.
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.body).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });

  it('serves the script and the stylesheet with their content types and the same headers', async () => {
    const script = await send('/status-page.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toBe('no-store');
    expect(script.body).toContain("fetch('status'");
    // Values go in as text: the script never hands a string to the HTML parser.
    expect(script.body).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    const style = await send('/status-page.css');
    expect(style.status).toBe(200);
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(style.body).toContain('prefers-color-scheme: dark');
  });

  it('answers HEAD with the GET headers and no body', async () => {
    const get = await send('/');
    const head = await send('/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    expect(head.headers['content-security-policy']).toBe(STATUS_PAGE_CSP);
  });

  it('refuses POST and other methods with 405 and Allow: GET, HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const answer = await send('/', { method, body: method === 'POST' ? '{}' : undefined });
      expect({ method, status: answer.status, allow: answer.headers.allow }).toEqual({
        method,
        status: 405,
        allow: 'GET, HEAD',
      });
    }
  });

  it('refuses a foreign Host or Origin with 403, as it does /mcp', async () => {
    for (const path of ['/', '/status-page.js', '/mcp']) {
      const rebound = await send(path, { headers: { host: `evil.example:${server.port}` } });
      expect({ path, status: rebound.status }).toEqual({ path, status: 403 });
      expect(rebound.body).toContain('DNS rebinding');
      expect(rebound.body).not.toContain('<!doctype');
    }
    const foreignOrigin = await send('/', { headers: { origin: 'http://evil.example' } });
    expect(foreignOrigin.status).toBe(403);
    const sameOrigin = await send('/', { headers: { origin: `http://127.0.0.1:${server.port}` } });
    expect(sameOrigin.status).toBe(200);
  });

  it('still answers unknown paths with 404, naming the status page', async () => {
    const missing = await send('/index.html');
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('/status-page.js');
  });
});
