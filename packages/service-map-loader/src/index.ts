export { ServiceMapError, type ServiceMapErrorCode, type ServiceMapErrorDetails } from './errors.js';
export {
  loadConnectorServiceMap,
  type ServiceMapLoaded,
  type ServiceMapLoadResult,
  type ServiceMapNotModified,
} from './load-service-map.js';
export type { LoadServiceMapOptions, ServiceMapTimers, VerifyServiceMapOptions } from './options.js';
export { parseServiceMap, type VerifiedServiceMap } from './parse-service-map.js';
export {
  type ServiceMapConnector,
  type ServiceMapConnectorAuth,
  type ServiceMapPayload,
  serviceMapConnectorAuthSchema,
  serviceMapConnectorSchema,
  serviceMapPayloadSchema,
  type UnsignedServiceMapPayload,
  unsignedServiceMapPayloadSchema,
} from './schema.js';
export {
  computeServiceMapSignature,
  signingCanonicalJson,
  signServiceMap,
  verifyServiceMapSignature,
} from './signature.js';
