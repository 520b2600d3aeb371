import { VersionedToolRegistry } from '@cortex-mcp/tool-registry';
import { Agent, request } from 'undici';
import { deferred } from './support.js';

/** The headers every MCP POST carries. */
export const POST_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
} as const;

/** The initialize request a raw session starts with. */
export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'raw-client', version: '1.0.0' },
  },
} as const;

/** One HTTP answer, body read to its end. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/** The JSON-RPC messages in an SSE body (`data:` lines), in order. */
export function sseMessages(text: string): unknown[] {
  const messages: unknown[] = [];
  for (const event of text.split('\n\n')) {
    const data = event
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n');
    if (data) messages.push(JSON.parse(data));
  }
  return messages;
}

/** A tool-call request body. */
export function callRequest(
  id: number | string,
  name: string,
  args: Record<string, unknown> = {},
  meta?: object,
) {
  return {
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name, arguments: args, ...(meta && { _meta: meta }) },
  };
}

/**
 * Raw HTTP against an MCP endpoint with undici, so tests control every header and see every answer as sent. Its
 * connection pool is its own; `close()` releases it.
 */
export class RawMcpClient {
  readonly #url: URL;
  readonly agent = new Agent();
  sessionId: string | undefined;

  constructor(url: string) {
    this.#url = new URL(url);
  }

  /** Initializes a session (initialize, then notifications/initialized) and keeps its id. */
  async open(): Promise<string> {
    const answer = await this.post(INITIALIZE);
    if (answer.status !== 200) throw new Error(`initialize answered ${answer.status}: ${answer.text}`);
    this.sessionId = String(answer.headers['mcp-session-id']);
    const initialized = await this.post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    if (initialized.status !== 202) throw new Error(`initialized answered ${initialized.status}`);
    return this.sessionId;
  }

  /** POSTs a JSON body (or a raw string) with the session's headers, `headers` on top. */
  post(body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<RawAnswer> {
    return this.send('POST', typeof body === 'string' ? body : JSON.stringify(body), headers, signal);
  }

  /** Sends a request and reads the whole answer. */
  async send(
    method: 'POST' | 'GET' | 'DELETE' | 'PUT',
    body: string | undefined,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<RawAnswer> {
    const response = await request(this.#url, {
      method,
      dispatcher: this.agent,
      headers: this.#headers(method, headers),
      ...(body !== undefined && { body }),
      ...(signal && { signal }),
    });
    return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
  }

  /**
   * Opens the GET stream and returns its status plus a reader: `next(predicate)` resolves with the first message
   * that matches, `close()` drops the connection.
   */
  openStream(headers: Record<string, string> = {}) {
    return this.#openEvents('GET', undefined, headers);
  }

  /** POSTs `body` and reads its answer as it arrives, as {@link openStream} reads the GET stream. */
  openPost(body: unknown, headers: Record<string, string> = {}) {
    return this.#openEvents('POST', JSON.stringify(body), headers);
  }

  async #openEvents(method: 'GET' | 'POST', body: string | undefined, headers: Record<string, string>) {
    const abort = new AbortController();
    const response = await request(this.#url, {
      method,
      dispatcher: this.agent,
      headers: this.#headers(method, headers),
      ...(body !== undefined && { body }),
      signal: abort.signal,
    });
    let buffered = '';
    let allText = '';
    let isEnded = false;
    const received: unknown[] = [];
    const waiters = new Set<() => void>();
    const ended = deferred();
    const wakeAll = () => {
      for (const wake of [...waiters]) wake();
    };
    const end = () => {
      isEnded = true;
      ended.resolve();
      wakeAll();
    };
    response.body.setEncoding('utf8');
    response.body.on('data', (chunk: string) => {
      buffered += chunk;
      allText += chunk;
      const cut = buffered.lastIndexOf('\n\n');
      if (cut === -1) return;
      received.push(...sseMessages(buffered.slice(0, cut + 2)));
      buffered = buffered.slice(cut + 2);
      wakeAll();
    });
    response.body.on('error', end);
    response.body.on('end', end);
    // Waits, one wake-up per complete event, until `found()` returns something; fails once the stream ended.
    const until = async (found: () => unknown): Promise<unknown> => {
      for (;;) {
        const value = found();
        if (value !== undefined) return value;
        if (isEnded) throw new Error('the GET stream ended before the expected text or message');
        const wake = deferred();
        waiters.add(wake.resolve);
        await wake.promise;
        waiters.delete(wake.resolve);
      }
    };
    return {
      status: response.statusCode,
      headers: response.headers,
      /** Everything the stream carried so far, comments included. */
      text: () => allText,
      ended: ended.promise,
      /** The first message received that matches; waits for more as they arrive, fails once the stream ended. */
      next: (predicate: (message: unknown) => boolean): Promise<unknown> =>
        until(() => received.find(predicate)),
      /** Resolves once the stream's text contains `fragment`. */
      untilText: (fragment: string): Promise<unknown> => until(() => allText.includes(fragment) || undefined),
      close: () => {
        abort.abort();
        response.body.destroy();
      },
    };
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  #headers(method: string, headers: Record<string, string>): Record<string, string> {
    const base: Record<string, string> =
      method === 'POST' ? { ...POST_HEADERS } : method === 'GET' ? { accept: 'text/event-stream' } : {};
    if (this.sessionId) {
      base['mcp-session-id'] = this.sessionId;
      base['mcp-protocol-version'] = '2025-06-18';
    }
    return { ...base, ...headers };
  }
}

/** Steering for the tools of {@link createTransportRegistry}. */
export interface TransportTools {
  /** `gate` and `progress-then-gate` calls block until this resolves. */
  gate: ReturnType<typeof deferred<void>>;
  /** Resolves once a `gate` (or `progress-then-gate`) call runs. */
  gateEntered: ReturnType<typeof deferred<void>>;
  /** Resolves with the signal of the running `wait` call. */
  waitStarted: ReturnType<typeof deferred<AbortSignal>>;
}

/**
 * A registry with connector `local`: `echo`, `gate`, `progress-then-gate` (progress, then the gate), and `wait`
 * (until cancelled; it reports progress first when the client asked for it).
 */
export function createTransportRegistry(): { registry: VersionedToolRegistry; tools: TransportTools } {
  const registry = new VersionedToolRegistry({ logger: { warn: () => {} } });
  const tools: TransportTools = { gate: deferred(), gateEntered: deferred(), waitStarted: deferred() };
  const schema = { type: 'object' as const };
  registry.replaceConnectorTools('local', [
    {
      name: 'echo',
      inputSchema: schema,
      handler: async (args) => ({ content: [{ type: 'text', text: String(args.text) }] }),
    },
    {
      name: 'gate',
      inputSchema: schema,
      handler: async () => {
        tools.gateEntered.resolve();
        await tools.gate.promise;
        return { content: [{ type: 'text', text: 'passed' }] };
      },
    },
    {
      name: 'log-then-answer',
      inputSchema: schema,
      handler: async (_args, context) => {
        context.onLog?.({ level: 'warning', data: 'disk almost full' });
        return { content: [{ type: 'text', text: 'logged' }] };
      },
    },
    {
      name: 'progress-then-gate',
      inputSchema: schema,
      handler: async (_args, context) => {
        context.onProgress?.({ progress: 1, total: 2, message: 'half way' });
        tools.gateEntered.resolve();
        await tools.gate.promise;
        return { content: [{ type: 'text', text: 'done' }] };
      },
    },
    {
      name: 'wait',
      inputSchema: schema,
      handler: (_args, context) =>
        new Promise((resolve) => {
          const signal = context.signal as AbortSignal;
          signal.addEventListener('abort', () => resolve({ content: [{ type: 'text', text: 'cancelled' }] }));
          // With a progress token, the answer becomes an event stream at once.
          context.onProgress?.({ progress: 0, message: 'waiting' });
          tools.waitStarted.resolve(signal);
        }),
    },
  ]);
  return { registry, tools };
}
