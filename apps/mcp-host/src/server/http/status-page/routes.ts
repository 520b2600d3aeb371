import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http-responses.js';
import { STATUS_PAGE_HTML } from './page-html.js';
import { STATUS_PAGE_SCRIPT } from './page-script.js';
import { STATUS_PAGE_CSS } from './page-style.js';

/** The paths of the status page: the HTML at `/` and its two assets. */
export const STATUS_PAGE_PATHS = ['/', '/status-page.js', '/status-page.css'] as const;

/** One of {@link STATUS_PAGE_PATHS}. */
export type StatusPagePath = (typeof STATUS_PAGE_PATHS)[number];

/**
 * Scripts, styles and fetches from this origin only: no inline script or style, no eval, no plugins, no framing
 * (clickjacking), no `<base>` or form tricks. The page's own script and stylesheet are separate files for this.
 */
export const STATUS_PAGE_CSP =
  "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";

interface Asset {
  readonly contentType: string;
  readonly body: Buffer;
}

// Built once: the assets are constants, so a request costs a header write and one buffer.
const ASSETS: Record<StatusPagePath, Asset> = {
  '/': { contentType: 'text/html; charset=utf-8', body: Buffer.from(STATUS_PAGE_HTML) },
  '/status-page.js': {
    contentType: 'text/javascript; charset=utf-8',
    body: Buffer.from(STATUS_PAGE_SCRIPT),
  },
  '/status-page.css': { contentType: 'text/css; charset=utf-8', body: Buffer.from(STATUS_PAGE_CSS) },
};

/** Whether `path` is one of {@link STATUS_PAGE_PATHS}. */
export function isStatusPagePath(path: string): path is StatusPagePath {
  return Object.hasOwn(ASSETS, path);
}

/**
 * Answers a GET or HEAD of a status-page path with the asset, never cached (`no-store`: the page and its script
 * change with the host version), under {@link STATUS_PAGE_CSP}. Other methods get 405. The page holds no data: its
 * script reads `/status`, which holds no secret.
 */
export function serveStatusPage(
  path: StatusPagePath,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    sendJson(response, 405, { error: 'Method Not Allowed: use GET.' }, { allow: 'GET, HEAD' });
    return;
  }
  const asset = ASSETS[path];
  response
    .writeHead(200, {
      'content-type': asset.contentType,
      'content-length': asset.body.length,
      'cache-control': 'no-store',
      'content-security-policy': STATUS_PAGE_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    })
    // Node sends no body for HEAD by itself; the headers (length included) are the same as for GET.
    .end(request.method === 'HEAD' ? undefined : asset.body);
}
