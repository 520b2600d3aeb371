export { CatalogueBook } from './catalogue-book.js';
export {
  approvePendingPins,
  parseToolPins,
  ToolPinBook,
  type ToolPinBookOptions,
  type ToolPinPolicy,
  type ToolPinStorage,
  type ToolPinsFile,
} from './tool-pins.js';
export {
  planWarmStart,
  type WarmCandidate,
  type WarmStartFacts,
  type WarmStartPlan,
} from './warm-start-plan.js';
export { type PersistedMap, type ReadWarmStateOptions, readWarmState, type WarmState } from './warm-state.js';
export {
  type CatalogueEntry,
  type MapMeta,
  parseServedCatalogue,
  STATE_FILES,
  type StateLogger,
  WarmStateStore,
} from './warm-state-store.js';
