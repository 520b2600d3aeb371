import type { ServerInfo } from '@cortex-mcp/registry-fs-store';
import { type ConnectorSpec, displayEndpoint } from '../connectors/index.js';
import { redactUrl } from '../redact-url.js';
import type { ConnectorStatus, MapStatus } from './host-status.js';

/** `/status` map member when the host runs without a service map. */
export function emptyMapStatus(): MapStatus {
  return {
    url: null,
    id: null,
    generatedAt: null,
    expiresAtMs: null,
    freshness: 'empty',
    source: 'none',
    lastRefreshAtMs: null,
    nextRetryAtMs: null,
    lastError: null,
  };
}

/** The item counts of a connector that serves nothing. */
const NO_ITEMS = { toolCount: 0, resourceCount: 0, resourceTemplateCount: 0, promptCount: 0 } as const;

/** `/status` entry of a connector the map or the registry file lists as disabled. */
export function disabledStatus(spec: ConnectorSpec): ConnectorStatus {
  return {
    id: spec.id,
    origin: spec.origin,
    transport: spec.transport,
    endpoint: displayEndpoint(spec),
    state: 'disabled',
    available: false,
    ...NO_ITEMS,
    catalogue: 'none',
    lastError: null,
    connectedAtMs: null,
  };
}

/** `/status` entry of a registry-file server skipped because a map connector has its id. */
export function skippedStatus(server: ServerInfo, atMs: number): ConnectorStatus {
  return {
    id: server.name,
    origin: 'registry-file',
    transport: server.transport,
    endpoint: server.transport === 'stdio' ? server.command : redactUrl(server.url),
    state: 'disabled',
    available: false,
    ...NO_ITEMS,
    catalogue: 'none',
    lastError: {
      message: `Skipped: a service-map connector has the id "${server.name}". Rename the registry-file server to use it.`,
      atMs,
    },
    connectedAtMs: null,
  };
}
