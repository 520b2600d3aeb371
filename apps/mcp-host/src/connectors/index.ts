export { type ConnectorToolCall, registerConnectorCatalogue } from './connector-catalogue.js';
export {
  type ConnectorOrigin,
  type ConnectorSpec,
  catalogueFingerprint,
  connectionFingerprint,
  desiredSpecs,
  displayEndpoint,
  metadataDiffers,
  type SpecDefaults,
  specFromServer,
  specsFromMap,
  transportOf,
} from './connector-spec.js';
export {
  type CatalogueCounts,
  catalogueCounts,
  EMPTY_CATALOGUE,
  type ServedCatalogue,
} from './served-catalogue.js';
