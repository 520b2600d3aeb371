import { z } from 'zod';
import { MAX_TIMER_MS } from '../max-timer.js';
import {
  type HostSettingKey,
  hostSetting,
  textToBoolean,
  textToKeyword,
  textToList,
  textToNumber,
  trimText,
} from '../settings/index.js';

const ONE_DAY_MS = 86_400_000;
const SERVICE_MAP_PROTOCOLS = new Set(['http:', 'https:', 'file:']);
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** The pino log levels (plus `silent`). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const integer = (min: number, max: number) => z.preprocess(textToNumber, z.number().int().min(min).max(max));

const text = () =>
  z.preprocess(
    trimText,
    z
      .string()
      .min(1)
      .refine((value) => !value.includes('\0')),
  );

const list = (item: z.ZodString) => z.preprocess(textToList, z.array(item));

function isServiceMapUrl(value: string): boolean {
  try {
    return SERVICE_MAP_PROTOCOLS.has(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Attaches the table's description, so a JSON Schema generated from the config schema documents itself. */
function described<T extends z.ZodType>(key: HostSettingKey, schema: T): T {
  return schema.meta({ description: hostSetting(key).description });
}

const shape = {
  serviceMapUrl: described(
    'serviceMapUrl',
    z.preprocess(trimText, z.string().refine(isServiceMapUrl)).optional(),
  ),
  signatureKeys: described('signatureKeys', list(z.string().min(1)).default([])),
  apiKey: described(
    'apiKey',
    z
      .string()
      .min(1)
      .refine((value) => !CONTROL_CHARACTERS.test(value))
      .optional(),
  ),
  refreshSync: described('refreshSync', z.preprocess(textToBoolean, z.boolean()).default(false)),
  firstListWait: described('firstListWait', z.preprocess(textToBoolean, z.boolean()).default(true)),
  refreshIntervalMs: described('refreshIntervalMs', integer(1_000, ONE_DAY_MS).default(300_000)),
  jitterFactor: described('jitterFactor', z.preprocess(textToNumber, z.number().min(0).lt(1)).default(0.2)),
  concurrency: described('concurrency', integer(1, 64).default(4)),
  concurrencyMode: described(
    'concurrencyMode',
    z.preprocess(textToKeyword, z.enum(['fixed', 'adaptive'])).default('adaptive'),
  ),
  concurrencyMin: described('concurrencyMin', integer(1, 256).default(2)),
  concurrencyMax: described('concurrencyMax', integer(1, 256).default(128)),
  poolConnections: described('poolConnections', integer(1, 1024).default(10)),
  http2: described('http2', z.preprocess(textToBoolean, z.boolean()).default(true)),
  circuitFailureThreshold: described('circuitFailureThreshold', integer(1, 1000).default(5)),
  toolPinPolicy: described(
    'toolPinPolicy',
    z.preprocess(textToKeyword, z.enum(['warn', 'block', 'off'])).default('warn'),
  ),
  namePrefix: described(
    'namePrefix',
    z.preprocess(textToKeyword, z.enum(['always', 'conditional', 'never'])).default('always'),
  ),
  instructionsMaxBytes: described('instructionsMaxBytes', integer(0, 1_048_576).default(16_384)),
  clientRequestTimeoutMs: described('clientRequestTimeoutMs', integer(1, MAX_TIMER_MS).default(300_000)),
  redisUrl: described('redisUrl', z.preprocess(trimText, z.string().regex(/^rediss?:\/\/\S+$/)).optional()),
  redisKeyPrefix: described(
    'redisKeyPrefix',
    z
      .string()
      .regex(/^\S{1,100}$/)
      .default('cortex-mcp:'),
  ),
  redisLeaseMs: described('redisLeaseMs', integer(1_000, 600_000).default(10_000)),
  sessionIdleTimeoutMs: described('sessionIdleTimeoutMs', integer(0, MAX_TIMER_MS).default(1_800_000)),
  maxSessions: described('maxSessions', integer(1, 1_000_000).default(1_000)),
  circuitOpenMs: described('circuitOpenMs', integer(0, MAX_TIMER_MS).default(30_000)),
  egressAllowedNetworks: described(
    'egressAllowedNetworks',
    list(z.string().regex(/^[0-9a-f:.]+(\/\d{1,3})?$/i)).default([]),
  ),
  egressAllowInsecureHttp: described(
    'egressAllowInsecureHttp',
    z.preprocess(textToBoolean, z.boolean()).default(false),
  ),
  connectTimeoutMs: described('connectTimeoutMs', integer(1, MAX_TIMER_MS).default(10_000)),
  callTimeoutMs: described('callTimeoutMs', integer(1, MAX_TIMER_MS).default(60_000)),
  mapTimeoutMs: described('mapTimeoutMs', integer(1, MAX_TIMER_MS).default(10_000)),
  mapMaxBytes: described('mapMaxBytes', integer(1, 1024 * 1024 * 1024).default(5 * 1024 * 1024)),
  serviceMapEtag: described('serviceMapEtag', z.preprocess(textToBoolean, z.boolean()).default(true)),
  transport: described('transport', z.preprocess(textToKeyword, z.enum(['http', 'stdio'])).default('http')),
  host: described('host', z.preprocess(trimText, z.string().regex(/^[^\s/?#@]+$/)).default('127.0.0.1')),
  port: described('port', integer(0, 65_535).default(3000)),
  allowedHosts: described('allowedHosts', list(z.string().regex(/^[^\s/?#@,]+$/)).default([])),
  allowedOrigins: described(
    'allowedOrigins',
    list(z.string().regex(/^[a-z][a-z0-9+.-]*:\/\/[^\s/?#@,]+$/i)).default([]),
  ),
  registryPath: described('registryPath', text().optional()),
  auth: described('auth', z.enum(['none', 'api-keys']).default('none')),
  allowUnauthenticated: described(
    'allowUnauthenticated',
    z.preprocess(textToBoolean, z.boolean()).default(false),
  ),
  keysPath: described('keysPath', text().optional()),
  auditLog: described('auditLog', text().default('off')),
  opsScope: described(
    'opsScope',
    z
      .string()
      .regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/)
      .default('mcp:ops'),
  ),
  registryWatchDebounceMs: described('registryWatchDebounceMs', integer(0, 60_000).default(250)),
  stateDir: described('stateDir', text().optional()),
  shutdownGraceMs: described('shutdownGraceMs', integer(0, MAX_TIMER_MS).default(10_000)),
  logLevel: described('logLevel', z.preprocess(textToKeyword, z.enum(LOG_LEVELS)).default('info')),
  configFile: described('configFile', text().optional()),
} satisfies Record<HostSettingKey, z.ZodType>;

/**
 * The one schema of the host configuration. Accepts JSON types (config file) and text (environment, flags):
 * `"42"` is a number, `"true"`/`"1"` a boolean, `"a,b"` a list. Unknown keys are refused.
 * `registryPath` and `stateDir` are optional here; {@link loadHostConfig} fills in their defaults, which depend on
 * the environment.
 */
export const hostConfigSchema = z.strictObject(shape);

/** What the schema accepts. */
export type HostConfigInput = z.input<typeof hostConfigSchema>;

/** The validated host configuration, every default applied and every path absolute. */
export type HostConfig = Readonly<
  Omit<
    z.output<typeof hostConfigSchema>,
    'registryPath' | 'stateDir' | 'signatureKeys' | 'allowedHosts' | 'allowedOrigins' | 'keysPath'
  > & {
    /** The registry file of user-added servers (absolute). */
    registryPath: string;
    /** The API keys file (absolute). */
    keysPath: string;
    /** Folder for the warm-start map and tool catalogue (absolute). */
    stateDir: string;
    /** Keys that verify the map; the first one signs (`mcp-host sign`). Never log them. */
    signatureKeys: readonly string[];
    /** Accepted Host headers; empty = derived from host and port. */
    allowedHosts: readonly string[];
    /** Accepted Origin headers; empty = derived from host and port. */
    allowedOrigins: readonly string[];
  }
>;
