import { createHash } from 'node:crypto';
import type { ConnectorAuth, ConnectorTransportKind } from '@cortex-mcp/connector-proxy';
import type { ServerInfo } from '@cortex-mcp/registry-fs-store';
import type { ServiceMapConnector, ServiceMapPayload } from '@cortex-mcp/service-map-loader';
import { redactUrl } from '../redact-url.js';

/** Where a connector comes from. */
export type ConnectorOrigin = 'service-map' | 'registry-file';

/**
 * One connector the host should run, from a map entry or a registry-file server: everything needed to build its
 * proxy (except the API key, which is added at the last moment) and to register its tools.
 */
export interface ConnectorSpec {
  readonly id: string;
  readonly origin: ConnectorOrigin;
  readonly enabled: boolean;
  readonly transport: ConnectorTransportKind;
  readonly url?: string | undefined;
  readonly command?: string | undefined;
  readonly args?: readonly string[] | undefined;
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly cwd?: string | undefined;
  /** Auth scheme without the key. */
  readonly auth?:
    | { readonly type: ConnectorAuth['type']; readonly headerName?: string | undefined }
    | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly connectTimeoutMs: number;
  readonly callTimeoutMs: number;
  readonly version?: string | undefined;
  /** Tool metadata: the entry's scopes and the map's brand. */
  readonly scopes: readonly string[];
  readonly brand?: string | undefined;
  /**
   * Tool-name namespace, from the entry's `metadata.namespace` (a string); undefined = the connector id, '' = the
   * upstream's own tool names (one transparent upstream).
   */
  readonly namespace?: string | undefined;
  /** Why this connector cannot be connected as configured (e.g. no API key for bearer auth); set → it counts as failed. */
  readonly problem?:
    | { readonly code: 'missing_api_key' | 'missing_endpoint'; readonly message: string }
    | undefined;
}

/** Defaults that map entries may override. */
export interface SpecDefaults {
  readonly connectTimeoutMs: number;
  readonly callTimeoutMs: number;
  readonly apiKeyConfigured: boolean;
}

const MAP_TRANSPORTS = new Set<ConnectorTransportKind>(['streamable-http', 'sse', 'auto']);

/** Transport of a map entry: its own `transport` member, else `sse` for a `/sse` path, else `auto`. */
export function transportOf(entry: ServiceMapConnector): ConnectorTransportKind {
  const declared = (entry as Record<string, unknown>).transport;
  if (typeof declared === 'string' && MAP_TRANSPORTS.has(declared as ConnectorTransportKind)) {
    return declared as ConnectorTransportKind;
  }
  if (entry.endpoint && pathOf(entry.endpoint).endsWith('/sse')) return 'sse';
  return 'auto';
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

/** The connectors of a map as specs, in map order. */
export function specsFromMap(map: ServiceMapPayload, defaults: SpecDefaults): ConnectorSpec[] {
  return map.connectors.map((entry) => specFromMapEntry(entry, map.brand, defaults));
}

function specFromMapEntry(entry: ServiceMapConnector, brand: string, defaults: SpecDefaults): ConnectorSpec {
  const authType = entry.auth?.type ?? 'none';
  let problem: ConnectorSpec['problem'];
  if (!entry.endpoint) {
    problem = {
      code: 'missing_endpoint',
      message: `Connector "${entry.id}" has no endpoint in the service map; fix the map's producer.`,
    };
  } else if (authType !== 'none' && !defaults.apiKeyConfigured) {
    problem = {
      code: 'missing_api_key',
      message:
        `Connector "${entry.id}" needs an API key (auth type ${authType}) but none is configured; ` +
        'set CONNECTORS_API_KEY.',
    };
  }
  return {
    id: entry.id,
    origin: 'service-map',
    enabled: entry.status === 'enabled',
    transport: transportOf(entry),
    url: entry.endpoint,
    auth: entry.auth ? { type: authType, headerName: entry.auth.headerName } : undefined,
    headers: entry.headers,
    connectTimeoutMs: entry.timeouts?.connectMs ?? defaults.connectTimeoutMs,
    callTimeoutMs: entry.timeouts?.callMs ?? defaults.callTimeoutMs,
    version: entry.version,
    scopes: entry.scopes,
    brand,
    namespace: namespaceOf(entry.metadata),
    problem,
  };
}

/**
 * The connectors the host should run: the map's, then the registry file's. A registry-file server whose name is a
 * map connector's id is left out and returned in `skipped` (ids are tool namespaces: two cannot share one).
 */
export function desiredSpecs(
  map: ServiceMapPayload | undefined,
  servers: readonly ServerInfo[],
  defaults: SpecDefaults,
): { specs: ConnectorSpec[]; skipped: ServerInfo[] } {
  const specs = map ? specsFromMap(map, defaults) : [];
  const mapIds = new Set(specs.map((spec) => spec.id));
  const skipped: ServerInfo[] = [];
  for (const server of servers) {
    if (mapIds.has(server.name)) skipped.push(server);
    else specs.push(specFromServer(server, defaults));
  }
  return { specs, skipped };
}

/** A registry-file server as a spec; its name is its connector id. */
export function specFromServer(server: ServerInfo, defaults: SpecDefaults): ConnectorSpec {
  const common = {
    id: server.name,
    origin: 'registry-file' as const,
    enabled: server.enabled,
    connectTimeoutMs: defaults.connectTimeoutMs,
    callTimeoutMs: defaults.callTimeoutMs,
    scopes: [],
    namespace: namespaceOf(server.metadata),
  };
  if (server.transport === 'stdio') {
    return {
      ...common,
      transport: 'stdio',
      command: server.command,
      args: server.args,
      env: server.env,
      cwd: server.cwd,
    };
  }
  return { ...common, transport: server.transport, url: server.url, headers: server.headers };
}

/**
 * A hash of everything that needs a new connection when it changes: transport, endpoint or command, auth scheme,
 * headers, timeouts, version, the problem (fixing it must retry). Scopes and brand are not in it: they only change
 * tool metadata. Hashed so it can be persisted without keeping header values or env.
 */
export function connectionFingerprint(spec: ConnectorSpec): string {
  const material = {
    origin: spec.origin,
    transport: spec.transport,
    url: spec.url ?? null,
    command: spec.command ?? null,
    args: spec.args ?? null,
    env: sortedEntries(spec.env),
    cwd: spec.cwd ?? null,
    auth: spec.auth ? [spec.auth.type, spec.auth.headerName ?? null] : null,
    headers: sortedEntries(spec.headers),
    connectTimeoutMs: spec.connectTimeoutMs,
    callTimeoutMs: spec.callTimeoutMs,
    version: spec.version ?? null,
    problem: spec.problem?.code ?? null,
  };
  return createHash('sha256').update(JSON.stringify(material)).digest('base64url');
}

/**
 * Which upstream a persisted tool catalogue belongs to: origin, endpoint or command line, and version. Timeouts,
 * headers and auth are left out on purpose: changing them does not change the upstream's tools, so a warm start
 * after such a configuration change still serves the catalogue.
 */
export function catalogueFingerprint(spec: ConnectorSpec): string {
  const material = [
    spec.origin,
    spec.url ?? null,
    spec.command ?? null,
    spec.args ?? null,
    spec.version ?? null,
  ];
  return createHash('sha256').update(JSON.stringify(material)).digest('base64url');
}

/** Whether the tool metadata a spec gives (scopes, brand, namespace) differs. */
export function metadataDiffers(a: ConnectorSpec, b: ConnectorSpec): boolean {
  return (
    a.brand !== b.brand ||
    a.namespace !== b.namespace ||
    JSON.stringify(a.scopes) !== JSON.stringify(b.scopes)
  );
}

function namespaceOf(metadata: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const namespace = metadata?.namespace;
  return typeof namespace === 'string' ? namespace : undefined;
}

function sortedEntries(record: Readonly<Record<string, string>> | undefined): [string, string][] | null {
  if (!record) return null;
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** What `/status` may show of a connector's endpoint: a redacted URL, or the stdio command (never args or env). */
export function displayEndpoint(spec: ConnectorSpec): string | null {
  if (spec.url) return redactUrl(spec.url);
  return spec.command ?? null;
}
