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
  type CatalogueEntry,
  type MapMeta,
  parseCatalogueTools,
  STATE_FILES,
  WarmStateStore,
} from './warm-state-store.js';
