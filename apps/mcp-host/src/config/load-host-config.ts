import { readFileSync } from 'node:fs';
import path from 'node:path';
import { resolveRegistryPath } from '@cortex-mcp/registry-fs-store';
import {
  describeSource,
  type HostConfigCommand,
  HostConfigError,
  type HostSettingKey,
  hostSetting,
  hostSettingKeys,
  quoteValue,
  type RawSetting,
  type RawSettings,
  readConfigFile,
  readEnvironment,
  readFlags,
} from '../settings/index.js';
import { type HostConfig, hostConfigSchema } from './schema.js';

/** Options for {@link loadHostConfig}. */
export interface LoadHostConfigOptions {
  /** The flags after the command name, e.g. `['--port', '4000', '--stdio']`. */
  readonly argv: readonly string[];
  /** The environment (usually `process.env`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Base for relative paths given by flags or environment. Default `process.cwd()`. */
  readonly cwd?: string | undefined;
  /** Reads the config file as UTF-8 text. Default `fs.readFileSync(path, 'utf8')`. */
  readonly readFile?: ((path: string) => string) | undefined;
  /** The command being run: decides which flags are accepted and is named in hints. Default `serve`. */
  readonly command?: HostConfigCommand | undefined;
}

/**
 * Builds the host configuration from flags, environment variables, an optional JSON config file and the defaults,
 * in that order of precedence, and validates it with {@link hostConfigSchema}. Relative paths are resolved against
 * `cwd`, or against the config file's folder when they come from the file.
 *
 * @throws HostConfigError with a one-line message naming the setting, where its value came from and what is allowed.
 */
export function loadHostConfig(options: LoadHostConfigOptions): HostConfig {
  const cwd = options.cwd ?? process.cwd();
  const flags = readFlags(options.argv, options.command ?? 'serve');
  const environment = readEnvironment(options.env);
  const configRef = flags.get('configFile') ?? environment.get('configFile');
  const configFile =
    configRef === undefined ? undefined : path.resolve(cwd, String(validated('configFile', configRef)));
  const file =
    configFile === undefined || configRef === undefined
      ? new Map()
      : readConfigFile(configFile, options.readFile ?? readUtf8, configRef.source);

  const chosen = new Map<HostSettingKey, RawSetting>();
  const values: Record<string, unknown> = {};
  for (const key of hostSettingKeys) {
    const raw = flags.get(key) ?? environment.get(key) ?? file.get(key);
    if (raw === undefined || key === 'configFile') continue;
    chosen.set(key, raw);
    values[key] = validated(key, raw);
  }
  requireKeysForServiceMap(values, chosen);

  const parsed = hostConfigSchema.parse(values);
  requireOrderedConcurrencyBounds(parsed.concurrencyMin, parsed.concurrencyMax, chosen);
  const registryPath =
    resolvePath(parsed.registryPath, chosen.get('registryPath'), cwd) ??
    path.resolve(cwd, resolveRegistryPath(options.env));
  const stateDir =
    resolvePath(parsed.stateDir, chosen.get('stateDir'), cwd) ??
    path.join(path.dirname(registryPath), 'host-state');
  const keysPath =
    resolvePath(parsed.keysPath, chosen.get('keysPath'), cwd) ??
    path.join(path.dirname(registryPath), 'keys.json');
  // `off` and `log` are keywords; anything else is a file, relative to the working directory.
  const auditLog =
    parsed.auditLog === 'off' || parsed.auditLog === 'log'
      ? parsed.auditLog
      : path.resolve(cwd, parsed.auditLog);
  const config = { ...parsed, registryPath, stateDir, keysPath, auditLog, configFile };
  if (options.command === undefined || options.command === 'serve' || options.command === 'demo') {
    requireDoorOffLoopback(config, chosen);
  }
  return deepFreeze(config);
}

/** Parses one value with its field of the schema; a failure names the setting, the source and what is allowed. */
function validated(key: HostSettingKey, raw: RawSetting): unknown {
  const result = hostConfigSchema.shape[key].safeParse(raw.value);
  if (result.success) return result.data;
  const setting = hostSetting(key);
  throw new HostConfigError(
    'invalid_value',
    `Invalid ${key} ${quoteValue(raw.value, setting.secret)} from ${describeSource(raw.source)}: expected ${setting.type}.`,
    { setting: key, source: raw.source, cause: result.error },
  );
}

function requireKeysForServiceMap(values: Record<string, unknown>, chosen: RawSettings): void {
  const urlSource = chosen.get('serviceMapUrl')?.source;
  const keys = values.signatureKeys as readonly string[] | undefined;
  if (urlSource === undefined || (keys !== undefined && keys.length > 0)) return;
  throw new HostConfigError(
    'missing_value',
    `signatureKeys is required when serviceMapUrl is set (by ${describeSource(urlSource)}): ` +
      'set CONNECTORS_SIGNATURE_KEY, or CONNECTORS_SIGNATURE_KEYS (comma-separated) during key rotation.',
    { setting: 'signatureKeys', source: { kind: 'env', names: hostSetting('signatureKeys').env } },
  );
}

function requireOrderedConcurrencyBounds(min: number, max: number, chosen: RawSettings): void {
  if (min <= max) return;
  const from = (key: 'concurrencyMin' | 'concurrencyMax') => {
    const raw = chosen.get(key);
    return raw === undefined ? 'the default' : describeSource(raw.source);
  };
  const blamed = chosen.has('concurrencyMin') ? 'concurrencyMin' : 'concurrencyMax';
  throw new HostConfigError(
    'invalid_value',
    `concurrencyMin ${min} (from ${from('concurrencyMin')}) is above concurrencyMax ${max} (from ${from('concurrencyMax')}): ` +
      'lower MCP_CONNECTOR_CONCURRENCY_MIN or raise MCP_CONNECTOR_CONCURRENCY_MAX.',
    { setting: blamed, source: chosen.get(blamed)?.source },
  );
}

/**
 * `serve` and `demo` over HTTP with `auth: none` must listen on loopback only: on any other address, anyone who
 * reaches the port would use every tool with the host's credentials. `allowUnauthenticated` lifts the refusal (the
 * host then warns at every start).
 */
function requireDoorOffLoopback(
  config: { transport: string; auth: string; host: string; allowUnauthenticated: boolean },
  chosen: RawSettings,
): void {
  if (config.transport !== 'http' || config.auth !== 'none' || config.allowUnauthenticated) return;
  if (isLoopbackHost(config.host)) return;
  const raw = chosen.get('host');
  throw new HostConfigError(
    'unsafe_bind',
    `host ${config.host} (from ${raw === undefined ? 'the default' : describeSource(raw.source)}) is not a loopback address and auth is none: anyone who reaches the port would use every tool with this host's credentials. Set auth (MCP_AUTH=api-keys, with keys from "mcp-host keys add"), bind 127.0.0.1, or pass --allow-unauthenticated (MCP_ALLOW_UNAUTHENTICATED=true) to run open anyway.`,
    { setting: 'auth', source: chosen.get('auth')?.source },
  );
}

/** `localhost`, 127.0.0.0/8 and `::1` (bracketed or not). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  return /^127(\.\d{1,3}){3}$/.test(bare);
}

function resolvePath(
  value: string | undefined,
  raw: RawSetting | undefined,
  cwd: string,
): string | undefined {
  if (value === undefined || raw === undefined) return undefined;
  // A path written in a config file means "next to this file", wherever the host is started from.
  const base = raw.source.kind === 'file' ? path.dirname(raw.source.path) : cwd;
  return path.resolve(base, value);
}

function readUtf8(filePath: string): string {
  return readFileSync(filePath, 'utf8');
}

function deepFreeze<T extends object>(value: T): T {
  for (const member of Object.values(value)) {
    if (member !== null && typeof member === 'object') deepFreeze(member);
  }
  return Object.freeze(value);
}
