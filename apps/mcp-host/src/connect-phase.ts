// What only the connect phase needs, behind one dynamic import: the manager (with the connector proxy, the SDK
// client and undici), the prom-client metrics and the pino logger. host.ts imports this module with import(), so
// the CLI bundle keeps it in its own chunk, read and evaluated only once the persisted catalogue is served (see
// connect-phase-gate.ts).
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { provideAjvJsonSchemaValidator } from './startup/index.js';

// In the CLI bundle the SDK's own ajv provider lives here, not on the start-up path: hand it to the stand-in the
// SDK's clients and servers were bundled with (lazy-ajv-provider.ts). Harmless elsewhere.
provideAjvJsonSchemaValidator(AjvJsonSchemaValidator);

export { createLogger } from './logger.js';
export { ConnectorProxyManager } from './manager/index.js';
export { HostMetrics } from './metrics.js';
