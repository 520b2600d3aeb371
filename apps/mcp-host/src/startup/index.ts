export { ConnectPhaseGate, type GateReason, type GateTimers } from './connect-phase-gate.js';
export { DeferredLogger, DISCARD_LOGGER, type StartupLogger } from './deferred-logger.js';
export { FirstListWait, type FirstListWaitOptions, type FirstSyncSource } from './first-list-wait.js';
export { type AjvValidatorClass, provideAjvJsonSchemaValidator } from './lazy-ajv-provider.js';
export { WarmCatalogue, type WarmCatalogueOptions, type WarmCatalogueSettings } from './warm-catalogue.js';
