/** The camelCase names of every host setting; also the keys of the JSON config file. */
export const hostSettingKeys = [
  'serviceMapUrl',
  'signatureKeys',
  'apiKey',
  'refreshSync',
  'firstListWait',
  'refreshIntervalMs',
  'jitterFactor',
  'concurrency',
  'concurrencyMode',
  'concurrencyMin',
  'concurrencyMax',
  'poolConnections',
  'http2',
  'egressAllowedNetworks',
  'egressAllowInsecureHttp',
  'circuitFailureThreshold',
  'circuitOpenMs',
  'toolPinPolicy',
  'namePrefix',
  'instructionsMaxBytes',
  'clientRequestTimeoutMs',
  'redisUrl',
  'redisKeyPrefix',
  'redisLeaseMs',
  'sessionIdleTimeoutMs',
  'maxSessions',
  'connectTimeoutMs',
  'callTimeoutMs',
  'mapTimeoutMs',
  'mapMaxBytes',
  'serviceMapEtag',
  'transport',
  'host',
  'port',
  'allowedHosts',
  'allowedOrigins',
  'auth',
  'allowUnauthenticated',
  'keysPath',
  'opsScope',
  'auditLog',
  'registryPath',
  'registryWatchDebounceMs',
  'stateDir',
  'shutdownGraceMs',
  'logLevel',
  'configFile',
] as const;

/** One setting's name. */
export type HostSettingKey = (typeof hostSettingKeys)[number];

/** The commands that read the host configuration; a setting's flag may be limited to some of them. */
export type HostConfigCommand =
  | 'serve'
  | 'demo'
  | 'tools'
  | 'sign'
  | 'verify'
  | 'servers'
  | 'pins'
  | 'keys'
  | 'doctor'
  | 'status';

/** A setting's command-line flag. */
export interface HostSettingFlag {
  /** The flag with its dashes (`--port`). */
  readonly name: string;
  /** `string` takes a value; `boolean` is present or absent. */
  readonly kind: 'string' | 'boolean';
  /** Placeholder shown in help (`<ms>`). */
  readonly valueName?: string;
}

/** A flag that sets a setting to a fixed value (e.g. `--stdio` for `transport=stdio`). */
export interface HostSettingShortcut {
  /** The flag, with its dashes (`--stdio`). */
  readonly flag: string;
  /** The value it sets, as text (parsed like an environment value). */
  readonly value: string;
}

/**
 * Documentation of one setting: where it can be set and what it accepts. The zod schema (`hostConfigSchema`) holds
 * the same facts as code; this table is what help texts and the generated configuration reference read.
 */
export interface HostSetting {
  /** camelCase name: the `HostConfig` property and the config-file key. */
  readonly key: HostSettingKey;
  /** Environment variables, highest priority first (or merged, for `signatureKeys`). */
  readonly env: readonly string[];
  /**
   * The command-line flag with its dashes, and its kind: `string` takes a value, `boolean` is present or not.
   * Secrets have none: command lines are visible to every user of the machine (`ps`).
   */
  readonly flag?: HostSettingFlag;
  /** Other flags that set this setting to a fixed value. */
  readonly shortcuts?: readonly HostSettingShortcut[];
  /** Config-file key, or `undefined` when the setting cannot come from the file. */
  readonly fileKey: HostSettingKey | undefined;
  /** What values are allowed, for people (also used in error messages). */
  readonly type: string;
  /** The default, for people. */
  readonly default: string;
  /** One line: what it does. */
  readonly description: string;
  /** Secret values never appear in messages or logs. */
  readonly secret: boolean;
  /** Only these commands accept the flag; absent = every command that reads the configuration. */
  readonly commands?: readonly HostConfigCommand[];
}

type SettingEntry = Omit<HostSetting, 'key' | 'fileKey' | 'secret'> & {
  readonly fileKey?: undefined;
  readonly noFileKey?: true;
  readonly secret?: true;
};

const string = (name: string, valueName: string): HostSettingFlag => ({ name, kind: 'string', valueName });

// A Record keyed by every setting name, so the compiler rejects a setting without documentation.
const table: Record<HostSettingKey, SettingEntry> = {
  serviceMapUrl: {
    env: ['CONNECTORS_SERVICE_MAP_URL'],
    flag: string('--service-map-url', 'url'),
    type: 'an http:, https: or file: URL',
    default: 'none (serve registry-file servers only)',
    description: 'Where the signed connector service map is read from.',
  },
  signatureKeys: {
    env: ['CONNECTORS_SIGNATURE_KEY', 'CONNECTORS_SIGNATURE_KEYS'],
    type: 'one or more non-empty keys (CONNECTORS_SIGNATURE_KEYS: comma-separated)',
    default: 'none (required when serviceMapUrl is set)',
    description:
      'HMAC keys that verify the map; CONNECTORS_SIGNATURE_KEY comes first, then CONNECTORS_SIGNATURE_KEYS (rotation).',
    secret: true,
  },
  apiKey: {
    env: ['CONNECTORS_API_KEY'],
    type: 'a string without control characters',
    default: 'none',
    description: 'Bearer token sent to the map endpoint and to connectors whose auth is bearer or apiKey.',
    secret: true,
  },
  refreshSync: {
    env: ['MCP_CONNECTOR_REFRESH_SYNC'],
    flag: { name: '--refresh-sync', kind: 'boolean' },
    type: 'true, false, 1 or 0',
    default: 'false (serve at once, refresh in the background)',
    description: 'Rollback mode: sync before serving and run no background refresh.',
  },
  firstListWait: {
    env: ['MCP_FIRST_LIST_WAIT'],
    flag: string('--first-list-wait', 'true|false'),
    shortcuts: [{ flag: '--no-first-list-wait', value: 'false' }],
    type: 'true, false, 1 or 0',
    default: 'true',
    description:
      'With no persisted catalogue to serve, the first tools, resources, templates and prompts lists wait until every connector of the first sync has connected or failed, at most connectTimeoutMs + 1 s; false (--no-first-list-wait) answers them at once.',
  },
  refreshIntervalMs: {
    env: ['MCP_CONNECTOR_REFRESH_INTERVAL_MS'],
    flag: string('--refresh-interval-ms', 'ms'),
    type: 'an integer from 1000 to 86400000 (milliseconds)',
    default: '300000',
    description: 'Mean time between background refreshes of the map.',
  },
  jitterFactor: {
    env: ['MCP_CONNECTOR_REFRESH_JITTER'],
    flag: string('--refresh-jitter', 'factor'),
    type: 'a number from 0 up to (not including) 1',
    default: '0.2',
    description: 'Each refresh delay is drawn from interval × (1 ± jitter).',
  },
  concurrency: {
    env: ['MCP_CONNECTOR_CONCURRENCY'],
    flag: string('--concurrency', 'n'),
    type: 'an integer from 1 to 64',
    default: '4',
    description:
      'How many connectors are connected at the same time during a sync (fixed mode); the starting limit in adaptive mode.',
  },
  concurrencyMode: {
    env: ['MCP_CONNECTOR_CONCURRENCY_MODE'],
    flag: string('--concurrency-mode', 'fixed|adaptive'),
    type: 'fixed or adaptive',
    default: 'adaptive',
    description:
      'fixed: MCP_CONNECTOR_CONCURRENCY connects at once. adaptive: the limit doubles while connects wait on the network and halves on connect timeouts, unreachable connectors or a busy event loop, between MCP_CONNECTOR_CONCURRENCY_MIN and MCP_CONNECTOR_CONCURRENCY_MAX.',
  },
  concurrencyMin: {
    env: ['MCP_CONNECTOR_CONCURRENCY_MIN'],
    flag: string('--concurrency-min', 'n'),
    type: 'an integer from 1 to 256, at most concurrencyMax',
    default: '2',
    description: 'Adaptive mode: the floor of the connect limit.',
  },
  concurrencyMax: {
    env: ['MCP_CONNECTOR_CONCURRENCY_MAX'],
    flag: string('--concurrency-max', 'n'),
    type: 'an integer from 1 to 256, at least concurrencyMin',
    default: '128',
    description: 'Adaptive mode: the ceiling of the connect limit; never more connects than this at once.',
  },
  poolConnections: {
    env: ['MCP_CONNECTOR_POOL_CONNECTIONS'],
    flag: string('--pool-connections', 'n'),
    type: 'an integer from 1 to 1024',
    default: '10',
    description:
      'Connections per upstream origin in the shared HTTP/1.1 pool (map and connectors); tool calls to one origin beyond this wait for a free connection. HTTP/2 origins multiplex every call over one connection instead.',
  },
  http2: {
    env: ['MCP_CONNECTOR_HTTP2'],
    flag: string('--http2', 'true|false'),
    shortcuts: [{ flag: '--no-http2', value: 'false' }],
    type: 'true, false, 1 or 0',
    default: 'true',
    description:
      'Offer HTTP/2 (ALPN) to https upstreams and the map: an origin that accepts it gets one TLS connection for every request and event stream; one that does not stays on HTTP/1.1. false (--no-http2) keeps every origin on HTTP/1.1.',
  },
  egressAllowedNetworks: {
    env: ['MCP_EGRESS_ALLOWED_NETWORKS'],
    flag: string('--egress-allowed-networks', 'list'),
    type: 'a comma-separated list of CIDR blocks or addresses (10.0.0.0/8, fd00::/8)',
    default: 'none',
    description:
      'Private, shared and link-local networks connectors may reach. Without them such addresses are refused (checked on the address connected, after DNS); loopback is always allowed.',
  },
  egressAllowInsecureHttp: {
    env: ['MCP_EGRESS_ALLOW_INSECURE_HTTP'],
    flag: string('--egress-allow-insecure-http', 'true|false'),
    type: 'true, false, 1 or 0',
    default: 'false',
    description: 'Allow plain http connector endpoints off this machine (loopback may always use http).',
  },
  circuitFailureThreshold: {
    env: ['MCP_CIRCUIT_FAILURE_THRESHOLD'],
    flag: string('--circuit-failure-threshold', 'n'),
    type: 'an integer from 1 to 1000',
    default: '5',
    description:
      "Consecutive failed tool calls (connector unreachable or not answering in time) that open a connector's circuit: its calls then fail at once until a probe succeeds.",
  },
  circuitOpenMs: {
    env: ['MCP_CIRCUIT_OPEN_MS'],
    flag: string('--circuit-open-ms', 'ms'),
    type: 'an integer from 0 to 2147483647 (milliseconds)',
    default: '30000',
    description: 'How long an open circuit refuses calls before it lets one probe call through.',
  },
  toolPinPolicy: {
    env: ['MCP_TOOL_PIN_POLICY'],
    flag: string('--tool-pin-policy', 'warn|block|off'),
    type: 'warn, block or off',
    default: 'warn',
    description:
      'Tool definitions are pinned on first sight (a hash of name, description, schemas, annotations). When a connector changes a pinned tool: warn logs it and serves the new definition; block withholds the tool until `mcp-host pins approve`; off pins nothing.',
  },
  namePrefix: {
    env: ['MCP_NAME_PREFIX'],
    flag: string('--name-prefix', 'always|conditional|never'),
    type: 'always, conditional or never',
    default: 'always',
    description:
      "How the names of tools and prompts and the URIs of resources and templates show their connector: always prefixes every one (`notes.search`, `notes+file:///a.txt`); conditional keeps an upstream name as it is unless two connectors serve the same one, then prefixes both; never keeps upstream names and, on a collision, serves the first connector's item and logs a warning.",
  },
  instructionsMaxBytes: {
    env: ['MCP_INSTRUCTIONS_MAX_BYTES'],
    flag: string('--instructions-max-bytes', 'bytes'),
    type: 'an integer from 0 to 1048576 (UTF-8 bytes)',
    default: '16384',
    description:
      "Most bytes of the `instructions` the host sends in `initialize`: the upstreams' instructions, each under its connector's name, share this budget evenly (each cut to its share); 0 sends none.",
  },
  clientRequestTimeoutMs: {
    env: ['MCP_CLIENT_REQUEST_TIMEOUT_MS'],
    flag: string('--client-request-timeout-ms', 'ms'),
    type: 'an integer from 1 to 2147483647 (milliseconds)',
    default: '300000 (5 min)',
    description:
      "How long a request an upstream sends back to the calling client (`sampling/createMessage`, `elicitation/create`, `roots/list`) waits for the client's answer; an elicitation may wait for a person. The upstream's own call timeout still applies: it cancels the request when it gives up first.",
  },
  redisUrl: {
    env: ['MCP_REDIS_URL'],
    type: 'a redis:// or rediss:// URL',
    default: 'none',
    description:
      'Share the map and tool catalogues with other hosts through this Redis: one map fetch per refresh fleet-wide, new hosts serve the fleet catalogue at once; every host still verifies every map. Without it the host runs on its own.',
    secret: true,
  },
  redisKeyPrefix: {
    env: ['MCP_REDIS_KEY_PREFIX'],
    flag: string('--redis-key-prefix', 'prefix'),
    type: 'a string of 1 to 100 characters without spaces',
    default: 'cortex-mcp:',
    description: 'Prefix of every Redis key of this fleet, so several fleets can share one Redis.',
  },
  redisLeaseMs: {
    env: ['MCP_REDIS_LEASE_MS'],
    flag: string('--redis-lease-ms', 'ms'),
    type: 'an integer from 1000 to 600000 (milliseconds)',
    default: '10000',
    description:
      'The refresh lease of a fleet: the host fetching the map renews it every third of this. A host that dies is replaced at once where Redis allows PUBSUB NUMSUB (hosts waiting on its lease see it gone from Redis, checking every quarter of this, at most every second), else when its lease expires. Give every host of a fleet the same value; raise it if map loads are slower than this.',
  },
  sessionIdleTimeoutMs: {
    env: ['MCP_HOST_SESSION_IDLE_TIMEOUT_MS'],
    flag: string('--session-idle-timeout-ms', 'ms'),
    type: 'an integer from 0 to 2147483647 (milliseconds; 0 = never)',
    default: '1800000 (30 min)',
    description:
      'An HTTP client session with no request, call in flight or open event stream for this long is closed; its next request gets 404 and the client starts a new session.',
  },
  maxSessions: {
    env: ['MCP_HOST_MAX_SESSIONS'],
    flag: string('--max-sessions', 'n'),
    type: 'an integer from 1 to 1000000',
    default: '1000',
    description:
      'Most HTTP client sessions at once: a new one beyond it closes the longest-idle session, or gets 503 when every session is busy.',
  },
  connectTimeoutMs: {
    env: ['MCP_CONNECTOR_CONNECT_TIMEOUT_MS'],
    flag: string('--connect-timeout-ms', 'ms'),
    type: 'an integer from 1 to 2147483647 (milliseconds)',
    default: '10000',
    description: 'Budget for connecting to one connector and listing its tools.',
  },
  callTimeoutMs: {
    env: ['MCP_TOOL_CALL_TIMEOUT_MS'],
    flag: string('--call-timeout-ms', 'ms'),
    type: 'an integer from 1 to 2147483647 (milliseconds)',
    default: '60000',
    description: 'Budget for one tool call routed to a connector.',
  },
  mapTimeoutMs: {
    env: ['MCP_SERVICE_MAP_TIMEOUT_MS'],
    flag: string('--map-timeout-ms', 'ms'),
    type: 'an integer from 1 to 2147483647 (milliseconds)',
    default: '10000',
    description: 'Budget for fetching the service map, body included.',
  },
  mapMaxBytes: {
    env: ['MCP_SERVICE_MAP_MAX_BYTES'],
    flag: string('--map-max-bytes', 'bytes'),
    type: 'an integer from 1 to 1073741824 (bytes)',
    default: '5242880 (5 MiB)',
    description: 'Largest service map accepted.',
  },
  serviceMapEtag: {
    env: ['MCP_SERVICE_MAP_ETAG'],
    flag: string('--service-map-etag', 'true|false'),
    shortcuts: [{ flag: '--no-etag', value: 'false' }],
    type: 'true, false, 1 or 0',
    default: 'true',
    description:
      "Send the held map's ETag (If-None-Match) so an unchanged map costs a 304; false (--no-etag) downloads and verifies the whole map on every refresh.",
  },
  transport: {
    env: ['MCP_HOST_TRANSPORT'],
    flag: string('--transport', 'http|stdio'),
    shortcuts: [{ flag: '--stdio', value: 'stdio' }],
    type: 'http or stdio',
    default: 'http',
    description: 'How MCP clients reach the host: Streamable HTTP, or stdin/stdout (--stdio).',
  },
  host: {
    env: ['MCP_HOST_BIND'],
    flag: string('--host', 'address'),
    type: 'a host name or IP address',
    default: '127.0.0.1',
    description: 'Address the HTTP server listens on.',
  },
  port: {
    env: ['MCP_HOST_PORT'],
    flag: string('--port', 'port'),
    type: 'an integer from 0 to 65535 (0 = any free port)',
    default: '3000',
    description: 'Port the HTTP server listens on.',
  },
  allowedHosts: {
    env: ['MCP_HOST_ALLOWED_HOSTS'],
    flag: string('--allowed-hosts', 'list'),
    type: 'a comma-separated list of host or host:port values',
    default: 'derived from host and port',
    description: 'Host headers accepted by the HTTP server (DNS-rebinding protection).',
  },
  allowedOrigins: {
    env: ['MCP_HOST_ALLOWED_ORIGINS'],
    flag: string('--allowed-origins', 'list'),
    type: 'a comma-separated list of origins (scheme://host[:port])',
    default: 'derived from host and port',
    description: 'Origin headers accepted by the HTTP server.',
  },
  auth: {
    env: ['MCP_AUTH'],
    flag: string('--auth', 'none|api-keys'),
    type: 'none or api-keys',
    default: 'none',
    description:
      'How HTTP clients prove who they are. none: nobody is asked, allowed only while host is a loopback address (or with allowUnauthenticated). api-keys: every request to /mcp, /status, /metrics and the status page needs "Authorization: Bearer <key>" with a key of the keys file (mcp-host keys add); each MCP session belongs to the key that opened it. /healthz and /readyz stay open. stdio is never asked.',
  },
  allowUnauthenticated: {
    env: ['MCP_ALLOW_UNAUTHENTICATED'],
    flag: { name: '--allow-unauthenticated', kind: 'boolean' },
    type: 'true, false, 1 or 0',
    default: 'false',
    description:
      'Lets serve and demo listen on a non-loopback address with auth none, which they otherwise refuse (exit code 2): anyone who reaches the port then uses every tool with the host’s credentials. Logs a warning at every start.',
  },
  keysPath: {
    env: ['MCP_KEYS_PATH'],
    flag: string('--keys-path', 'file'),
    type: 'a file path',
    default: 'keys.json next to the registry file',
    description:
      'The API keys file of auth api-keys: names, scopes and SHA-256 hashes of the keys (never the keys), mode 0600. mcp-host keys add|list|remove edit it; a running host reads it again when it changes.',
  },
  opsScope: {
    env: ['MCP_OPS_SCOPE'],
    flag: string('--ops-scope', 'scope'),
    type: 'an OAuth scope token',
    default: 'mcp:ops',
    description:
      'With auth on, the scope a credential needs for /status, /metrics and the status page (/healthz and /readyz stay open).',
  },
  auditLog: {
    env: ['MCP_AUDIT_LOG'],
    flag: string('--audit-log', 'off|log|file'),
    type: 'off, log, or a file path',
    default: 'off',
    description:
      'One line per forwarded request (tools/call, resources/read, prompts/get, completion/complete, resources/subscribe, tasks): who (the key), session, method, connector, name or URI, outcome, duration; never arguments, results or credentials. log: in the host log (info); a path: JSON lines appended to that file (mode 0600).',
  },
  registryPath: {
    env: ['MCP_REGISTRY_PATH'],
    flag: string('--registry-path', 'file'),
    type: 'a file path',
    default: '$CORTEX_HOME, $XDG_CONFIG_HOME/cortex-os or ~/.config/cortex-os, then mcp/servers.json',
    description: 'The registry file of user-added servers.',
  },
  registryWatchDebounceMs: {
    env: ['MCP_REGISTRY_WATCH_DEBOUNCE_MS'],
    flag: string('--registry-watch-debounce-ms', 'ms'),
    type: 'an integer from 0 to 60000 (milliseconds; 0 = no watching)',
    default: '250',
    description:
      'The host watches its registry file: an edit (mcp-host servers add/remove, or by hand) is read and synced once the file has been quiet this long. 0 turns watching off: the file is then read again at each refresh. Rollback mode (refreshSync) never watches.',
  },
  stateDir: {
    env: ['MCP_HOST_STATE_DIR'],
    flag: string('--state-dir', 'dir'),
    type: 'a directory path',
    default: 'host-state next to the registry file',
    description: 'Where the last good map and tool catalogue are kept for a warm start.',
  },
  shutdownGraceMs: {
    env: ['MCP_HOST_SHUTDOWN_GRACE_MS'],
    flag: string('--shutdown-grace-ms', 'ms'),
    type: 'an integer from 0 to 2147483647 (milliseconds)',
    default: '10000',
    description: 'How long in-flight calls may finish after SIGINT/SIGTERM.',
  },
  logLevel: {
    env: ['MCP_LOG_LEVEL'],
    flag: string('--log-level', 'level'),
    type: 'fatal, error, warn, info, debug, trace or silent',
    default: 'info',
    description: 'pino log level (logs go to stderr).',
  },
  configFile: {
    env: ['MCP_HOST_CONFIG'],
    flag: string('--config', 'file'),
    type: 'a path to a JSON file whose keys are setting names',
    default: 'none',
    description: 'Optional config file; flags and environment variables override it.',
    noFileKey: true,
  },
};

/**
 * Every setting, in a stable order, with its environment variables, flag, config-file key, type, default and
 * description. Help texts and the generated configuration reference are built from this table.
 */
export const hostSettings: readonly HostSetting[] = Object.freeze(
  hostSettingKeys.map((key): HostSetting => {
    const { noFileKey, secret, ...entry } = table[key];
    return Object.freeze({ key, ...entry, fileKey: noFileKey ? undefined : key, secret: secret === true });
  }),
);

/** The table entry for `key`. */
export function hostSetting(key: HostSettingKey): HostSetting {
  // hostSettings is built from hostSettingKeys, so every key has an entry.
  return hostSettings.find((setting) => setting.key === key) as HostSetting;
}
