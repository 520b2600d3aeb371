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
export { type ConnectorToolCall, registerConnectorTools } from './connector-tools.js';
