import { ConnectorProxyError } from '@cortex-mcp/connector-proxy';
import type { Dispatcher } from 'undici';
import type { ConnectorSpec } from '../../connectors/index.js';
import { describeFailure } from '../../errors.js';
import { silentLogger } from '../../logger.js';
import { createConnectorProxy } from '../../upstream/index.js';

/** What probing one connector needs. */
export interface ProbeDeps {
  /** The request pool (POST, DELETE) and the event-stream pool of the host's upstream pool. */
  readonly dispatcher: Dispatcher;
  readonly streamDispatcher: Dispatcher;
  /** `CONNECTORS_API_KEY`, for connectors whose auth needs it. */
  readonly apiKey: string | undefined;
  /** Upper bound on the handshake and on listing the tools, in ms (a shorter per-connector timeout wins). */
  readonly timeoutMs: number;
  /** Sent as `clientInfo.version`. */
  readonly version: string;
  readonly clock: () => number;
}

/** A probe that connected: what transport was used, the MCP protocol version the server chose, the tool count. */
export interface ProbeSuccess {
  readonly ok: true;
  readonly transport: string;
  /** The MCP protocol version the server chose in the handshake. */
  readonly protocolVersion: string | undefined;
  readonly toolCount: number;
  readonly durationMs: number;
}

/** A probe that failed: the connector-proxy's error code (or `error`) and its secret-free message. */
export interface ProbeFailure {
  readonly ok: false;
  readonly code: string;
  readonly message: string;
  readonly durationMs: number;
}

const CLIENT_NAME = 'cortex-mcp-host-doctor';

/**
 * Connects to one connector the way the host does — through the host's own spec → proxy factory
 * (`createConnectorProxy`) on its upstream pool (egress policy, auth, `auto` fallback, stdio included) — lists its
 * tools and disconnects. The handshake and the listing are each bounded by the shorter of the connector's connect
 * timeout and the doctor's. The child of a stdio connector logs nowhere: the doctor's output stays its report.
 */
export async function probeConnector(
  spec: ConnectorSpec,
  deps: ProbeDeps,
): Promise<ProbeSuccess | ProbeFailure> {
  const startedAtMs = deps.clock();
  const timeoutMs = Math.min(spec.connectTimeoutMs, deps.timeoutMs);
  const failed = (error: unknown): ProbeFailure => ({
    ok: false,
    code: error instanceof ConnectorProxyError ? error.code : 'error',
    message: conciseFailure(error),
    durationMs: deps.clock() - startedAtMs,
  });
  const built = createConnectorProxy(
    { ...spec, connectTimeoutMs: timeoutMs, callTimeoutMs: timeoutMs },
    {
      dispatcher: deps.dispatcher,
      streamDispatcher: deps.streamDispatcher,
      apiKey: deps.apiKey,
      version: deps.version,
      clientName: CLIENT_NAME,
      logger: silentLogger(),
      random: Math.random,
    },
    { onAvailabilityChange: () => {}, onCatalogueChanged: () => {} },
  );
  if (built.proxy === undefined) return failed(built.error ?? new Error(built.failure));
  const { proxy } = built;
  try {
    await proxy.connect();
    const tools = await proxy.getTools();
    return {
      ok: true,
      transport: proxy.activeTransport ?? spec.transport,
      protocolVersion: proxy.protocolVersion,
      toolCount: tools.length,
      durationMs: deps.clock() - startedAtMs,
    };
  } catch (error) {
    return failed(error);
  } finally {
    await proxy.disconnect();
  }
}

/**
 * The failure's first sentence (what happened; the report adds its own fix instead of the proxy's generic advice),
 * plus the underlying cause when the sentence does not already name it.
 */
function conciseFailure(error: unknown): string {
  if (!(error instanceof Error)) return describeFailure(error);
  const first = error.message.split(/(?<=\.)\s+(?=[A-Z])/)[0] ?? error.message;
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause === undefined || first.includes(cause) ? first : `${first} (${cause})`;
}
