import { type CatalogueKind, RemoteToolProxy, type UpstreamLogEntry } from '@cortex-mcp/connector-proxy';
import type { Dispatcher } from 'undici';
import type { ConnectorSpec } from '../connectors/index.js';
import { describeFailure } from '../errors.js';
import type { Logger } from '../logger.js';

/** What every proxy of the host shares: the pools, the host's upstream key and identity, its logger. */
export interface ProxyFactoryDeps {
  readonly dispatcher: Dispatcher;
  readonly streamDispatcher: Dispatcher;
  /** The host's upstream key (`CONNECTORS_API_KEY`), added to a spec's auth at the last moment. */
  readonly apiKey: string | undefined;
  /** Sent as the client version in `initialize`. */
  readonly version: string;
  /** Sent as the client name in `initialize`. Default `cortex-mcp-host`. */
  readonly clientName?: string | undefined;
  readonly logger: Logger;
  readonly random: () => number;
  readonly onUpstreamLog?: ((connectorId: string, entry: UpstreamLogEntry) => void) | undefined;
  readonly onElicitationComplete?: ((connectorId: string, elicitationId: string) => void) | undefined;
}

/**
 * What the host declares to every upstream as its client: it relays sampling, elicitation (form and URL) and roots
 * to the client whose request the upstream is serving, and refuses, naming the capability, when that client
 * lacks it. Declaring them makes upstreams offer the tools that need them.
 */
export const HOST_CLIENT_CAPABILITIES = {
  sampling: { context: {}, tools: {} },
  elicitation: { form: {}, url: {} },
  roots: { listChanged: true },
};

/** The proxy's events the managed connector listens to. */
export interface ProxyCallbacks {
  readonly onAvailabilityChange: (available: boolean) => void;
  /** The upstream's list of one kind changed (after its `list_changed` or a reconnect). */
  readonly onCatalogueChanged: (kind: CatalogueKind, items: unknown[]) => void;
  /** The upstream said a subscribed resource changed. */
  readonly onResourceUpdated?: ((uri: string) => void) | undefined;
}

/**
 * Builds the `RemoteToolProxy` of a spec on the shared dispatchers, adding the API key at the last moment. A spec
 * with a known problem (no endpoint, no API key) or options the proxy rejects yields a `failure` (already logged as
 * a warning naming the connector) instead of a proxy.
 */
export function createConnectorProxy(
  spec: ConnectorSpec,
  deps: ProxyFactoryDeps,
  callbacks: ProxyCallbacks,
): { proxy: RemoteToolProxy } | { proxy: undefined; failure: string; error?: unknown } {
  if (spec.problem) {
    deps.logger.warn({ connectorId: spec.id, code: spec.problem.code }, spec.problem.message);
    return { proxy: undefined, failure: spec.problem.message };
  }
  try {
    const proxy = new RemoteToolProxy({
      id: spec.id,
      transport: spec.transport,
      url: spec.url,
      command: spec.command,
      args: spec.args ? [...spec.args] : undefined,
      env: spec.env ? { ...spec.env } : undefined,
      cwd: spec.cwd,
      auth: spec.auth ? { ...spec.auth, key: deps.apiKey } : undefined,
      headers: spec.headers ? { ...spec.headers } : undefined,
      dispatcher: deps.dispatcher,
      streamDispatcher: deps.streamDispatcher,
      connectTimeoutMs: spec.connectTimeoutMs,
      callTimeoutMs: spec.callTimeoutMs,
      clientInfo: { name: deps.clientName ?? 'cortex-mcp-host', version: deps.version },
      logger: deps.logger,
      random: deps.random,
      onAvailabilityChange: callbacks.onAvailabilityChange,
      onCatalogueChanged: callbacks.onCatalogueChanged,
      ...(callbacks.onResourceUpdated ? { onResourceUpdated: callbacks.onResourceUpdated } : {}),
      onLog: (entry) => deps.onUpstreamLog?.(spec.id, entry),
      onElicitationComplete: (elicitationId) => deps.onElicitationComplete?.(spec.id, elicitationId),
      clientCapabilities: HOST_CLIENT_CAPABILITIES,
    });
    return { proxy };
  } catch (error) {
    const failure = describeFailure(error);
    deps.logger.warn({ connectorId: spec.id, err: failure }, 'connector configuration rejected');
    return { proxy: undefined, failure, error };
  }
}
