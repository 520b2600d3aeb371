import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

/** Lets a test end what the polling server's tools wait for, and see what they went through. */
export class PollingControl {
  /** `hold` calls whose cancellation reached the server. */
  cancelled = 0;
  #released = false;
  readonly #waiters = new Set<() => void>();

  /** Ends every `hold` and `stall` now and later. */
  release(): void {
    this.#released = true;
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  get released(): boolean {
    return this.#released;
  }

  /** Resolves on `release()` or when `signal` aborts. */
  waitForRelease(signal: AbortSignal): Promise<void> {
    if (this.#released || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        this.#waiters.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      this.#waiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Sends `data` as a log of the request `extra` belongs to. */
function log(extra: Extra, data: string): Promise<void> {
  return extra.sendNotification({ method: 'notifications/message', params: { level: 'info', data } });
}

/** Closes the request's event stream, as a server that polls (SEP-1699) does. */
function closeStream(extra: Extra): void {
  if (!extra.closeSSEStream) throw new Error('closeSSEStream needs an eventStore and protocol 2025-11-25');
  extra.closeSSEStream();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An McpServer whose tools close their call's event stream before answering (serve it with an `eventStore`):
 * `poll` logs `before close`, closes the stream, logs `after close` and answers `polled` `answerAfterMs` later;
 * `hold` logs, closes the stream and answers once `control` releases it or the call is cancelled; `stall` logs,
 * then closes every stream the client resumes, every 20 ms, until released.
 */
export function createPollingServer(control: PollingControl): McpServer {
  const server = new McpServer({ name: 'polling', version: '1.0.0' }, { capabilities: { logging: {} } });
  server.registerTool(
    'poll',
    { inputSchema: { answerAfterMs: z.number() } },
    async ({ answerAfterMs }, extra) => {
      await log(extra, 'before close');
      closeStream(extra);
      await log(extra, 'after close');
      await sleep(answerAfterMs);
      return { content: [{ type: 'text', text: 'polled' }] };
    },
  );
  server.registerTool('hold', {}, async (extra) => {
    await log(extra, 'holding');
    closeStream(extra);
    await control.waitForRelease(extra.signal);
    if (extra.signal.aborted) control.cancelled++;
    return { content: [{ type: 'text', text: 'released' }] };
  });
  server.registerTool('stall', {}, async (extra) => {
    await log(extra, 'stalling');
    while (!control.released && !extra.signal.aborted) {
      closeStream(extra);
      await sleep(20);
    }
    return { content: [{ type: 'text', text: 'released' }] };
  });
  return server;
}
