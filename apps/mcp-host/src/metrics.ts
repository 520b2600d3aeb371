import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The host's Prometheus metrics: the seed's four (sync duration by phase, tool-call duration by connector, registry
 * flush duration, connector availability) plus failure counters. One instance per host, on its own prom-client
 * `Registry` (never the global one), so several hosts in one process — as in tests — do not collide.
 */
export class HostMetrics {
  readonly registry = new Registry();

  /** Seconds per sync phase: `map` (load/verify), `connect` (parallel hydration), `total`. */
  readonly syncDuration = new Histogram({
    name: 'mcp_connector_sync_duration_seconds',
    help: 'Duration of connector sync phases in seconds.',
    labelNames: ['phase'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 5, 10, 30],
    registers: [this.registry],
  });

  /** Seconds per downstream tool call, by owning connector. */
  readonly toolCallDuration = new Histogram({
    name: 'mcp_tool_call_duration_seconds',
    help: 'Duration of tool calls routed to connectors, in seconds.',
    labelNames: ['connector'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  /**
   * Seconds per atomic flush of the host's persisted registries, by `store`: `servers` (the registry file of
   * user-added servers), `catalogue` (the persisted tool registry used for warm starts), `service-map` (the last
   * verified map).
   */
  readonly registryFlushDuration = new Histogram({
    name: 'mcp_registry_flush_duration_seconds',
    help: 'Duration of atomic flushes of the persisted registries (servers file, tool catalogue, map) in seconds.',
    labelNames: ['store'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  /** 1 while a connector is connected, 0 otherwise. */
  readonly connectorAvailable = new Gauge({
    name: 'mcp_connector_available',
    help: 'Whether a connector is connected (1) or not (0).',
    labelNames: ['connector_id'] as const,
    registers: [this.registry],
  });

  /** Each connector's call circuit: 0 closed, 1 half-open (probing), 2 open (calls fail fast). */
  readonly connectorCircuitState = new Gauge({
    name: 'mcp_connector_circuit_state',
    help: "A connector's tool-call circuit breaker: 0 closed, 1 half-open, 2 open.",
    labelNames: ['connector_id'] as const,
    registers: [this.registry],
  });

  /** With MCP_REDIS_URL: 1 while Redis answers, 0 while the host falls back to its own cache and fetches. */
  readonly redisUp = new Gauge({
    name: 'mcp_redis_up',
    help: 'Whether the shared Redis answers (1) or the host runs on its own cache (0); absent without MCP_REDIS_URL.',
    labelNames: ['target'] as const,
    registers: [this.registry],
  });

  /** Failed service-map refreshes, by error code (`timeout`, `signature`, `http`, …). */
  readonly refreshFailures = new Counter({
    name: 'mcp_service_map_refresh_failures_total',
    help: 'Service map refreshes that failed, by error code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  /** Failed connector connects during a sync, by connector. */
  readonly connectFailures = new Counter({
    name: 'mcp_connector_connect_failures_total',
    help: 'Connector connects that failed during a sync.',
    labelNames: ['connector_id'] as const,
    registers: [this.registry],
  });

  /** Tool calls that failed (upstream error, unavailable connector, timeout, cancellation), by connector and kind. */
  readonly toolCallErrors = new Counter({
    name: 'mcp_tool_call_errors_total',
    help: 'Tool calls that ended in an error, by connector and kind.',
    labelNames: ['connector', 'kind'] as const,
    registers: [this.registry],
  });

  /**
   * Seconds per forwarded request other than a tool call, by owning connector and `method` (`resources/read`,
   * `prompts/get`, `completion/complete`, `resources/subscribe`).
   */
  readonly upstreamRequestDuration = new Histogram({
    name: 'mcp_upstream_request_duration_seconds',
    help: 'Duration of resource reads, prompt gets, completions and subscriptions routed to connectors, in seconds.',
    labelNames: ['connector', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  /** Forwarded requests other than tool calls that failed, by connector, method and kind (the tool-call kinds). */
  readonly upstreamRequestErrors = new Counter({
    name: 'mcp_upstream_request_errors_total',
    help: 'Resource reads, prompt gets, completions and subscriptions that ended in an error, by connector, method and kind.',
    labelNames: ['connector', 'method', 'kind'] as const,
    registers: [this.registry],
  });

  /** Items each connector serves, by `kind` (`tools`, `resources`, `resourceTemplates`, `prompts`). */
  readonly catalogueItems = new Gauge({
    name: 'mcp_connector_catalogue_items',
    help: 'Items a connector serves, by kind (tools, resources, resourceTemplates, prompts).',
    labelNames: ['connector_id', 'kind'] as const,
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** The text exposition for `/metrics`. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
