import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { httpStatusOf, toConnectError } from './error-mapping.js';
import { ConnectorProxyError, describeError } from './errors.js';
import { LazyJsonSchemaValidator } from './lazy-schema-validator.js';
import { preserveNotificationOrder } from './message-order.js';
import type { ResolvedOptions } from './options.js';
import { UndiciStreamableHttpTransport } from './streamable-http-transport.js';
import { type ConcreteTransportKind, createTransport, type TransportContext } from './transports.js';

/** One live MCP session with the upstream: an SDK client over one transport. */
export interface Session {
  client: Client;
  transport: Transport;
  kind: ConcreteTransportKind;
  /** The MCP protocol version the upstream chose in the handshake. */
  protocolVersion?: string;
}

/** Hooks a session reports to while it lives. Set before the handshake so nothing sent early is lost. */
export type WireSession = (session: Session) => void;

/**
 * Opens a session: builds the transport, runs the MCP handshake, and for `auto` falls back from Streamable HTTP
 * to SSE as the MCP specification's backwards-compatibility section says: when the POST of `initialize` fails
 * with an HTTP 4xx, GET the same URL and expect the legacy `endpoint` event.
 *
 * The whole handshake (both tries of `auto` included) is bounded by `connectTimeoutMs`; `signal` aborts it.
 *
 * @throws {ConnectorProxyError} `connect_timeout`, `unavailable`, `unauthorized` or `protocol`; or `signal.reason`.
 */
export async function openSession(
  options: ResolvedOptions,
  context: TransportContext,
  wire: WireSession,
  signal: AbortSignal,
): Promise<Session> {
  const deadline = new AbortController();
  const onOuterAbort = () => deadline.abort(signal.reason);
  signal.addEventListener('abort', onOuterAbort, { once: true });
  const timer = options.timers.setTimeout(
    () => deadline.abort(connectTimeout(options)),
    options.connectTimeoutMs,
  );
  const kinds: ConcreteTransportKind[] =
    options.transport === 'auto' ? ['streamable-http', 'sse'] : [options.transport];
  try {
    for (const [index, kind] of kinds.entries()) {
      try {
        return await openSessionWith(kind, options, context, wire, deadline.signal);
      } catch (error) {
        const status = httpStatusOf(error);
        const canFallBack = index < kinds.length - 1 && !deadline.signal.aborted;
        if (!canFallBack || status === undefined || status < 400 || status > 499) throw error;
        options.logger?.debug?.(
          { connectorId: options.id, status },
          'Streamable HTTP initialize got a 4xx; falling back to the legacy SSE transport',
        );
      }
    }
    throw new Error('unreachable: no transport to try');
  } catch (error) {
    if (deadline.signal.aborted) throw deadline.signal.reason;
    throw toConnectError(options.id, error);
  } finally {
    options.timers.clearTimeout(timer);
    signal.removeEventListener('abort', onOuterAbort);
  }
}

async function openSessionWith(
  kind: ConcreteTransportKind,
  options: ResolvedOptions,
  context: TransportContext,
  wire: WireSession,
  signal: AbortSignal,
): Promise<Session> {
  const client = new Client(options.clientInfo, {
    capabilities: options.clientCapabilities ?? {},
    jsonSchemaValidator: new LazyJsonSchemaValidator(),
  });
  const transport = createTransport(kind, context);
  const session: Session = { client, transport, kind };
  // The SDK hands the negotiated version only to the transport: keep it for the session too.
  const setProtocolVersion = transport.setProtocolVersion?.bind(transport);
  transport.setProtocolVersion = (version) => {
    session.protocolVersion = version;
    setProtocolVersion?.(version);
  };
  wire(session);
  try {
    // The SDK's SSE transport waits for the `endpoint` event without watching any signal: race it.
    await raceAbort(client.connect(transport, { signal, timeout: options.connectTimeoutMs }), signal);
    preserveNotificationOrder(transport);
    await applyLogLevel(session, options, signal);
    return session;
  } catch (error) {
    await client.close().catch(() => {});
    throw error;
  }
}

async function applyLogLevel(session: Session, options: ResolvedOptions, signal: AbortSignal) {
  if (!options.logLevel || !session.client.getServerCapabilities()?.logging) return;
  try {
    await session.client.setLoggingLevel(options.logLevel, { signal, timeout: options.connectTimeoutMs });
  } catch (error) {
    if (signal.aborted) throw error;
    options.logger?.warn(
      { connectorId: options.id, err: describeError(error) },
      'upstream refused logging/setLevel; continuing with its default level',
    );
  }
}

/**
 * Closes a session. With `terminate`, first asks a Streamable HTTP upstream to end the session (HTTP DELETE,
 * as the spec asks of clients that leave), bounded by `timeoutMs`; a failure there is ignored.
 */
export async function closeSession(
  session: Session,
  terminate: boolean,
  options: Pick<ResolvedOptions, 'timers'>,
  timeoutMs: number,
): Promise<void> {
  if (terminate && session.transport instanceof UndiciStreamableHttpTransport) {
    const transport = session.transport;
    let timer: unknown;
    const bound = new Promise<void>((resolve) => {
      timer = options.timers.setTimeout(resolve, timeoutMs);
    });
    await Promise.race([transport.terminateSession().catch(() => {}), bound]);
    options.timers.clearTimeout(timer);
  }
  await session.client.close().catch(() => {});
}

function connectTimeout(options: ResolvedOptions): ConnectorProxyError {
  return new ConnectorProxyError(
    'connect_timeout',
    options.id,
    `Connector "${options.id}" did not finish the MCP handshake within ${options.connectTimeoutMs} ms. Check that the upstream is up and that url and transport are right, or raise connectTimeoutMs.`,
  );
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => {});
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
