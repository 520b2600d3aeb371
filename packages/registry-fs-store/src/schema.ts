import { z } from 'zod';

/** Longest server name accepted: names become path-like keys and log fields, so keep them short. */
export const MAX_SERVER_NAME_LENGTH = 64;

/**
 * A server name: trimmed, 1–64 characters from `[A-Za-z0-9._-]`, starting with a letter or digit.
 * Names are the registry's keys, so they must be stable and safe to print.
 */
export const ServerNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_SERVER_NAME_LENGTH, `must be at most ${MAX_SERVER_NAME_LENGTH} characters`)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must start with a letter or digit and use only A-Z a-z 0-9 . _ -');

const StringMapSchema = z.record(z.string(), z.string());

/** Only http: and https: endpoints: anything else (file:, ws:, javascript:) is a configuration mistake. */
const HttpUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http: or https: URL' });

const commonFields = {
  name: ServerNameSchema,
  /** Disabled servers stay registered but are not connected. */
  enabled: z.boolean().default(true),
  /** Free-form, JSON-serialisable data owned by the caller (labels, UI hints, provenance). */
  metadata: z.record(z.string(), z.json()).optional(),
};

/** A server the host starts as a child process and talks to over stdin/stdout. */
export const StdioServerInfoSchema = z.strictObject({
  ...commonFields,
  transport: z.literal('stdio'),
  command: z.string().min(1, 'must not be empty'),
  args: z.array(z.string()).optional(),
  env: StringMapSchema.optional(),
  cwd: z.string().min(1, 'must not be empty').optional(),
});

/** A remote server reached over the legacy HTTP+SSE transport. */
export const SseServerInfoSchema = z.strictObject({
  ...commonFields,
  transport: z.literal('sse'),
  url: HttpUrlSchema,
  headers: StringMapSchema.optional(),
});

/** A remote server reached over MCP Streamable HTTP. */
export const StreamableHttpServerInfoSchema = z.strictObject({
  ...commonFields,
  transport: z.literal('streamable-http'),
  url: HttpUrlSchema,
  headers: StringMapSchema.optional(),
});

/**
 * One user-registered MCP server, discriminated on `transport`.
 *
 * Objects are strict: an unknown key (a typo such as `agrs`) is an error instead of being dropped
 * silently; put free-form data in `metadata`.
 */
export const ServerInfoSchema = z.discriminatedUnion('transport', [
  StdioServerInfoSchema,
  SseServerInfoSchema,
  StreamableHttpServerInfoSchema,
]);

/** A validated server entry, as stored and returned (`enabled` always present). */
export type ServerInfo = z.infer<typeof ServerInfoSchema>;

/** What callers may pass to `upsert()` (`enabled` optional, defaults to `true`). */
export type ServerInfoInput = z.input<typeof ServerInfoSchema>;

/** The on-disk format version this package writes. */
export const REGISTRY_FILE_VERSION = 1;
