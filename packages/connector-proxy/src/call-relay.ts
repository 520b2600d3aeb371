import { type JSONRPCMessage, LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { type RelatedMessageExtra, requestIdsOf } from './jsonrpc-wire.js';
import type { CallHandlers, UpstreamLogEntry } from './relay-types.js';
import { type ServerRequestRouting, serveServerRequest } from './server-requests.js';
import type { Session } from './session.js';

/** One forwarded request in flight, and where the upstream's messages about it go. */
interface CallScope {
  handlers: CallHandlers;
  /** The JSON-RPC ids and progress tokens its messages went out with (the SDK's token is the request id). */
  keys: Set<unknown>;
}

type Loose = Record<string, unknown>;

/**
 * Relates what an upstream sends while serving a forwarded request (logs, server→client requests) to that request,
 * so it reaches only the caller that caused it. A forwarded request is started inside {@link run}; the SDK sends
 * a request synchronously when it is made, so the session's wrapped `send` notes, from a plain "current call" slot,
 * which outgoing JSON-RPC ids and progress tokens belong to which call (no async context: it costs every request). An incoming message is then related by, in this order: the id of the request whose
 * Streamable HTTP response stream carried it (`relatedRequestId`); a `_meta.progressToken` it carries; and, on
 * transports with no per-request stream (legacy SSE, stdio), the one forwarded request in flight when there is
 * exactly one (on Streamable HTTP only for a `roots/list`). Anything else is unrelated: it is never guessed between
 * two calls.
 */
export class CallRelay {
  /** The call being started: set only while its request is made (synchronously) and sent. */
  #current: CallScope | undefined;
  readonly #inFlight = new Set<CallScope>();
  readonly #byKey = new Map<unknown, CallScope>();
  /** The call each delivered server→client request was related to (the SDK hands the same object on). */
  readonly #serverRequests = new WeakMap<object, CallScope | undefined>();
  readonly #routing: ServerRequestRouting;
  readonly #log: (entry: UpstreamLogEntry) => void;

  /** `log` receives the logs no call's `onLog` took; `routing` answers server→client requests of no call. */
  constructor(routing: ServerRequestRouting, log: (entry: UpstreamLogEntry) => void) {
    this.#routing = routing;
    this.#log = log;
  }

  /**
   * Starts one forwarded request; what the upstream sends while serving it goes to `handlers`. `request` must send
   * its JSON-RPC request before it returns its promise (the SDK's `Protocol.request` does).
   */
  run<T>(handlers: CallHandlers, request: () => Promise<T>): Promise<T> {
    const scope: CallScope = { handlers, keys: new Set() };
    this.#inFlight.add(scope);
    let pending: Promise<T>;
    this.#current = scope;
    try {
      pending = request();
    } catch (error) {
      this.#end(scope);
      throw error;
    } finally {
      this.#current = undefined;
    }
    return pending.finally(() => this.#end(scope));
  }

  #end(scope: CallScope): void {
    this.#inFlight.delete(scope);
    for (const key of scope.keys) this.#byKey.delete(key);
  }

  /** Before the handshake: answers every server→client request, related or not. */
  readonly wire = (session: Session): void => {
    session.client.fallbackRequestHandler = (request, extra) =>
      serveServerRequest(this.#routing, request, this.#serverRequests.get(request)?.handlers, extra);
  };

  /** After the handshake: relates the session's traffic to the calls in flight. Wraps `send` and `onmessage`. */
  attach(session: Session): void {
    const { transport } = session;
    const send = transport.send.bind(transport);
    transport.send = (message, options) => {
      const scope = this.#current;
      if (scope) this.#note(scope, message);
      return send(message, options);
    };
    const deliver = transport.onmessage;
    if (!deliver) return;
    const perRequestStreams = session.kind === 'streamable-http';
    transport.onmessage = (message, extra) => {
      // Answers and progress (the SDK routes progress by token) need no relating: the common case stays cheap.
      const method = (message as Loose).method;
      if (method !== undefined && method !== 'notifications/progress') {
        const scope = this.#scopeOf(message, extra as RelatedMessageExtra | undefined, perRequestStreams);
        if (this.#takeLog(message, scope)) return;
        if (isRequest(message)) this.#serverRequests.set(message, scope);
      }
      deliver(message, extra);
    };
  }

  #note(scope: CallScope, message: JSONRPCMessage | JSONRPCMessage[]): void {
    const keys: unknown[] = requestIdsOf(message);
    for (const item of Array.isArray(message) ? message : [message]) {
      const token = progressTokenOf(item);
      if (token !== undefined) keys.push(token);
    }
    for (const key of keys) {
      scope.keys.add(key);
      this.#byKey.set(key, scope);
    }
  }

  #scopeOf(
    message: JSONRPCMessage,
    extra: RelatedMessageExtra | undefined,
    perRequestStreams: boolean,
  ): CallScope | undefined {
    if (extra?.relatedRequestId !== undefined) return this.#byKey.get(extra.relatedRequestId);
    const token = progressTokenOf(message);
    const byToken = token === undefined ? undefined : this.#byKey.get(token);
    if (byToken) return byToken;
    if (this.#inFlight.size !== 1) return undefined;
    // Streamable HTTP keeps its GET stream for messages of no request; only a `roots/list` there is given to the
    // one call in flight (servers ask it outside the call; answering it discloses only that caller's own roots,
    // to the upstream it is calling).
    if (perRequestStreams && (message as Loose).method !== 'roots/list') return undefined;
    return this.#inFlight.values().next().value;
  }

  /** Hands a `notifications/message` to its call's `onLog`, or to the proxy's; false for any other message. */
  #takeLog(message: JSONRPCMessage, scope: CallScope | undefined): boolean {
    if ((message as Loose).method !== 'notifications/message') return false;
    const parsed = LoggingMessageNotificationSchema.safeParse(message);
    if (!parsed.success) return false;
    const { level, logger, data } = parsed.data.params;
    const entry = {
      connectorId: this.#routing.connectorId,
      level,
      data,
      ...(logger ? { logger } : {}),
      related: scope !== undefined,
    };
    const onLog = scope?.handlers.onLog;
    if (onLog) this.#routing.guard('onLog', () => onLog(entry));
    else this.#log(entry);
    return true;
  }
}

function isRequest(message: JSONRPCMessage): boolean {
  const { method, id } = message as Loose;
  return typeof method === 'string' && (typeof id === 'string' || typeof id === 'number');
}

function progressTokenOf(message: unknown): string | number | undefined {
  const meta = ((message as Loose).params as Loose | undefined)?._meta as Loose | undefined;
  const token = meta?.progressToken;
  return typeof token === 'string' || typeof token === 'number' ? token : undefined;
}
