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
