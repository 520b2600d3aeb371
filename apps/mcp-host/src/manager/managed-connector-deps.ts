import type { UpstreamLogEntry } from '@cortex-mcp/connector-proxy';
import type { VersionedToolRegistry } from '@cortex-mcp/tool-registry';
import type { Dispatcher } from 'undici';
import type { ServedCatalogue } from '../connectors/index.js';
import type { Logger } from '../logger.js';
import type { HostMetrics } from '../metrics.js';
import type { ToolPinBook } from '../state/index.js';
import type { ManagerTimers } from './timers.js';

/** What a {@link ManagedConnector} needs from the manager. */
export interface ManagedConnectorDeps {
  readonly registry: VersionedToolRegistry;
  readonly metrics: HostMetrics;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly random: () => number;
  readonly timers: ManagerTimers;
  readonly dispatcher: Dispatcher;
  readonly streamDispatcher: Dispatcher;
  readonly apiKey: string | undefined;
  readonly version: string;
  readonly callRetryDelayMs: number;
  /** Reviews live tool lists against the pinned definitions (rug-pull defence). */
  readonly pins: ToolPinBook;
  /** Consecutive failed calls that open the connector's circuit. */
  readonly circuitFailureThreshold: number;
  /** How long an open circuit refuses calls before one probe, in ms. */
  readonly circuitOpenMs: number;
  /** An upstream log message no request's client took (it belongs to no request). */
  readonly onUpstreamLog?: ((connectorId: string, entry: UpstreamLogEntry) => void) | undefined;
  /** The upstream finished a URL-mode elicitation. */
  readonly onElicitationComplete?: ((connectorId: string, elicitationId: string) => void) | undefined;
  /** The upstream said a subscribed resource changed (`uri` in the upstream's form). */
  readonly onResourceUpdated?: ((connectorId: string, uri: string) => void) | undefined;
  /** The connector's registered catalogue changed (live listing, or list_changed). */
  readonly onCatalogueChange: (connectorId: string, catalogue: ServedCatalogue) => void;
}
