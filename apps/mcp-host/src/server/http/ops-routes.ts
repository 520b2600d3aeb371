import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostServerLogger } from '../types.js';
import { sendJson } from './http-responses.js';

/** What `isReady()` may answer: a plain flag, or a flag with the reason an operator should read. */
export type Readiness = boolean | { readonly ready: boolean; readonly reason?: string };

/** Options of {@link createOpsRoutes}. */
export interface OpsRoutesOptions {
  /** Renders the Prometheus text exposition (`HostMetrics.render()`). */
  readonly metrics: { render(): Promise<{ contentType: string; body: string }> };
  /** The `/status` document. It must hold no secret: the server sends it as it is. */
  readonly getStatus: () => unknown;
  readonly isReady: () => Readiness;
  /** True while the server drains for shutdown: `/readyz` then answers 503 whatever `isReady()` says. */
  readonly isDraining: () => boolean;
  readonly logger: HostServerLogger;
}

/** Answers one ops request (the path is one of {@link OPS_PATHS}). */
export type OpsRoute = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** The ops paths served beside `/mcp`. */
export const OPS_PATHS = ['/metrics', '/healthz', '/readyz', '/status'] as const;

/** One of {@link OPS_PATHS}. */
export type OpsPath = (typeof OPS_PATHS)[number];

/**
 * The ops endpoints: `/metrics` (Prometheus text), `/healthz` (200 while the process serves), `/readyz` (200 once
 * ready, 503 before that and while draining, with a JSON reason), `/status` (the caller's status document as JSON).
 * Only GET and HEAD are allowed.
 */
export function createOpsRoutes(options: OpsRoutesOptions): Record<OpsPath, OpsRoute> {
  const readOnly =
    (route: (response: ServerResponse) => Promise<void> | void): OpsRoute =>
    async (request, response) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        sendJson(response, 405, { error: 'Method Not Allowed: use GET.' }, { allow: 'GET, HEAD' });
        return;
      }
      await route(response);
    };

  return {
    '/metrics': readOnly(async (response) => {
      const { contentType, body } = await options.metrics.render();
      response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
    }),
    '/healthz': readOnly((response) => sendJson(response, 200, { status: 'ok' })),
    '/readyz': readOnly((response) => {
      const { ready, reason } = readiness(options);
      sendJson(response, ready ? 200 : 503, { ready, reason });
    }),
    '/status': readOnly(async (response) => {
      let status: unknown;
      try {
        status = await options.getStatus();
      } catch (error) {
        options.logger.error?.({ err: error }, 'getStatus() failed');
        sendJson(response, 500, { error: 'The status document could not be built; see the host log.' });
        return;
      }
      sendJson(response, 200, status ?? null);
    }),
  };
}

function readiness(options: OpsRoutesOptions): { ready: boolean; reason: string } {
  if (options.isDraining()) return { ready: false, reason: 'draining: the host is shutting down' };
  let answer: Readiness;
  try {
    answer = options.isReady();
  } catch (error) {
    options.logger.error?.({ err: error }, 'isReady() failed');
    return { ready: false, reason: 'the readiness check failed; see the host log' };
  }
  const ready = typeof answer === 'boolean' ? answer : answer.ready;
  const reason = typeof answer === 'boolean' ? undefined : answer.reason;
  return { ready, reason: reason ?? (ready ? 'ready' : 'starting: the host is not ready to serve yet') };
}
