import { z } from 'zod';

// Crockford base32, 26 characters; ULIDs are case-insensitive when read.
const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/i;

/** How the host authenticates to a connector. Unknown members are kept. */
export const serviceMapConnectorAuthSchema = z.looseObject({
  type: z.enum(['apiKey', 'bearer', 'none']),
  headerName: z.string().min(1).optional(),
});

/**
 * One connector (remote MCP server) in a Cortex-OS service map. `ttl` is in seconds; `endpoint`, when present, is
 * an `http:` or `https:` URL.
 * Unknown members are kept, so newer producers do not break older loaders.
 */
export const serviceMapConnectorSchema = z.looseObject({
  id: z.string().min(1),
  version: z.string().min(1),
  name: z.string().min(1),
  scopes: z.array(z.string().min(1)),
  status: z.enum(['enabled', 'disabled']),
  ttl: z.number().int().positive(),
  // The host connects to endpoints over HTTP(S) only: a file:, data: or javascript: endpoint is a producer bug or an
  // attempt to make the host read local files, so it is refused here rather than deep inside a transport.
  endpoint: z.url({ protocol: /^https?$/, error: 'expected an http: or https: URL' }).optional(),
  auth: serviceMapConnectorAuthSchema.optional(),
  quotas: z.record(z.string(), z.number().int().nonnegative()).optional(),
  timeouts: z.record(z.string(), z.number().int().nonnegative()).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  headers: z.record(z.string().min(1), z.string()).optional(),
});

// Connector ids become tool-name namespaces (`connectorId.toolName`), so two entries with one id cannot both work.
const connectorListSchema = z.array(serviceMapConnectorSchema).superRefine((connectors, context) => {
  const seen = new Set<string>();
  connectors.forEach((connector, index) => {
    if (seen.has(connector.id)) {
      context.addIssue({
        code: 'custom',
        path: [index, 'id'],
        message: `duplicate connector id "${connector.id}"`,
      });
    }
    seen.add(connector.id);
  });
});

/** A service map before signing: what a producer builds and passes to `signServiceMap`. */
export const unsignedServiceMapPayloadSchema = z.looseObject({
  id: z.string().regex(ULID_PATTERN, 'expected a ULID (26 Crockford base32 characters)'),
  brand: z.string().min(1),
  generatedAt: z.iso.datetime({ offset: true }),
  ttlSeconds: z.number().int().positive(),
  connectors: connectorListSchema,
});

/** A signed Cortex-OS service map, as the loader accepts it. Unknown members are kept. */
export const serviceMapPayloadSchema = unsignedServiceMapPayloadSchema.extend({
  signature: z.string().min(1),
});

/** How the host authenticates to a connector. */
export type ServiceMapConnectorAuth = z.infer<typeof serviceMapConnectorAuthSchema>;
/** One connector in a service map. */
export type ServiceMapConnector = z.infer<typeof serviceMapConnectorSchema>;
/** A service map before signing. */
export type UnsignedServiceMapPayload = z.infer<typeof unsignedServiceMapPayloadSchema>;
/** A signed service map, as returned by the loader. */
export type ServiceMapPayload = z.infer<typeof serviceMapPayloadSchema>;
