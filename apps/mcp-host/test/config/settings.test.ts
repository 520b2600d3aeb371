import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostConfigSchema, loadHostConfig } from '../../src/config/index.js';
import { type HostConfigCommand, type HostSettingKey, hostSettings } from '../../src/settings/index.js';

const cwd = path.resolve('/srv/mcp');
const baseEnv = { CORTEX_HOME: '/srv/cortex' };

// One valid value per setting, as text, and what it becomes: proves the table's env, flag and file key all work.
const samples: Record<HostSettingKey, { text: string; value: unknown; command?: HostConfigCommand }> = {
  serviceMapUrl: { text: 'https://maps.example.com/map', value: 'https://maps.example.com/map' },
  signatureKeys: { text: 'k1', value: ['k1'] },
  apiKey: { text: 'sk-1', value: 'sk-1' },
  refreshSync: { text: 'true', value: true },
  firstListWait: { text: 'false', value: false },
  refreshIntervalMs: { text: '60000', value: 60_000 },
  jitterFactor: { text: '0.5', value: 0.5 },
  concurrency: { text: '16', value: 16 },
  concurrencyMode: { text: 'fixed', value: 'fixed' },
  concurrencyMin: { text: '1', value: 1 },
  concurrencyMax: { text: '128', value: 128 },
  poolConnections: { text: '32', value: 32 },
  http2: { text: 'false', value: false },
  egressAllowedNetworks: { text: '10.0.0.0/8,fd00::/8', value: ['10.0.0.0/8', 'fd00::/8'] },
  egressAllowInsecureHttp: { text: 'true', value: true },
  circuitFailureThreshold: { text: '3', value: 3 },
  circuitOpenMs: { text: '1000', value: 1000 },
  toolPinPolicy: { text: 'block', value: 'block' },
  namePrefix: { text: 'conditional', value: 'conditional' },
  instructionsMaxBytes: { text: '4096', value: 4096 },
  clientRequestTimeoutMs: { text: '5000', value: 5000 },
  redisUrl: { text: 'redis://127.0.0.1:6379/0', value: 'redis://127.0.0.1:6379/0' },
  redisKeyPrefix: { text: 'fleet-a:', value: 'fleet-a:' },
  redisLeaseMs: { text: '3000', value: 3_000 },
  sessionIdleTimeoutMs: { text: '60000', value: 60_000 },
  maxSessions: { text: '10', value: 10 },
  connectTimeoutMs: { text: '2000', value: 2000 },
  callTimeoutMs: { text: '3000', value: 3000 },
  mapTimeoutMs: { text: '4000', value: 4000 },
  mapMaxBytes: { text: '1024', value: 1024 },
  serviceMapEtag: { text: 'false', value: false },
  transport: { text: 'stdio', value: 'stdio' },
  // Loopback: serve refuses any other address without auth (see auth and allowUnauthenticated).
  host: { text: '127.0.0.2', value: '127.0.0.2' },
  port: { text: '8080', value: 8080 },
  allowedHosts: { text: 'a.example,b.example:8080', value: ['a.example', 'b.example:8080'] },
  allowedOrigins: { text: 'https://app.example', value: ['https://app.example'] },
  auth: { text: 'api-keys', value: 'api-keys' },
  allowUnauthenticated: { text: 'true', value: true },
  keysPath: { text: '/data/keys.json', value: path.resolve('/data/keys.json') },
  opsScope: { text: 'ops:read', value: 'ops:read' },
  auditLog: { text: '/data/audit.jsonl', value: path.resolve('/data/audit.jsonl') },
  registryPath: { text: '/data/servers.json', value: path.resolve('/data/servers.json') },
  registryWatchDebounceMs: { text: '0', value: 0 },
  stateDir: { text: '/data/state', value: path.resolve('/data/state') },
  shutdownGraceMs: { text: '0', value: 0 },
  logLevel: { text: 'trace', value: 'trace' },
  configFile: { text: '/etc/mcp-host.json', value: path.resolve('/etc/mcp-host.json') },
};

// serviceMapUrl needs a key; everything else stands alone.
const companions: Partial<Record<HostSettingKey, Record<string, string>>> = {
  serviceMapUrl: { CONNECTORS_SIGNATURE_KEY: 'k' },
};

function loadWith(key: HostSettingKey, argv: string[], env: Record<string, string>, file?: string) {
  return loadHostConfig({
    argv,
    env: { ...baseEnv, ...companions[key], ...env },
    cwd,
    command: samples[key].command ?? 'serve',
    readFile: () => file ?? '{}',
  })[key];
}

describe('the settings table', () => {
  it('documents exactly the keys of the schema, in one entry each', () => {
    expect(hostSettings.map((setting) => setting.key).sort()).toEqual(
      Object.keys(hostConfigSchema.shape).sort(),
    );
  });

  it('keeps the Cortex-OS environment variable names', () => {
    const envOf = (key: HostSettingKey) => hostSettings.find((setting) => setting.key === key)?.env;
    expect(envOf('serviceMapUrl')).toEqual(['CONNECTORS_SERVICE_MAP_URL']);
    expect(envOf('signatureKeys')).toEqual(['CONNECTORS_SIGNATURE_KEY', 'CONNECTORS_SIGNATURE_KEYS']);
    expect(envOf('apiKey')).toEqual(['CONNECTORS_API_KEY']);
    expect(envOf('refreshSync')).toEqual(['MCP_CONNECTOR_REFRESH_SYNC']);
    expect(envOf('firstListWait')).toEqual(['MCP_FIRST_LIST_WAIT']);
    expect(envOf('refreshIntervalMs')).toEqual(['MCP_CONNECTOR_REFRESH_INTERVAL_MS']);
    expect(envOf('concurrency')).toEqual(['MCP_CONNECTOR_CONCURRENCY']);
    expect(envOf('concurrencyMode')).toEqual(['MCP_CONNECTOR_CONCURRENCY_MODE']);
    expect(envOf('concurrencyMin')).toEqual(['MCP_CONNECTOR_CONCURRENCY_MIN']);
    expect(envOf('concurrencyMax')).toEqual(['MCP_CONNECTOR_CONCURRENCY_MAX']);
    expect(envOf('serviceMapEtag')).toEqual(['MCP_SERVICE_MAP_ETAG']);
  });

  it('uses every environment variable and flag once', () => {
    const envNames = hostSettings.flatMap((setting) => setting.env);
    const flags = hostSettings.flatMap((setting) => [
      ...(setting.flag ? [setting.flag.name] : []),
      ...(setting.shortcuts ?? []).map((shortcut) => shortcut.flag),
    ]);
    expect(new Set(envNames).size).toBe(envNames.length);
    expect(new Set(flags).size).toBe(flags.length);
  });

  it('marks the keys and the Redis URL (it may hold a password) as secret and gives secrets no flag', () => {
    const secrets = hostSettings.filter((setting) => setting.secret);
    expect(secrets.map((setting) => setting.key)).toEqual(['signatureKeys', 'apiKey', 'redisUrl']);
    expect(secrets.every((setting) => setting.flag === undefined)).toBe(true);
  });

  it('states the same defaults as the schema', () => {
    const defaults = hostConfigSchema.parse({}) as Record<string, unknown>;
    for (const setting of hostSettings) {
      const value = defaults[setting.key];
      if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
        expect(setting.default.startsWith(String(value)), setting.key).toBe(true);
      }
    }
  });

  it.each(hostSettings.map((setting) => [setting.key, setting] as const))(
    '%s can be set through each of its environment variables, its flag and its file key',
    (key, setting) => {
      const { text, value } = samples[key];
      for (const name of setting.env) expect(loadWith(key, [], { [name]: text })).toEqual(value);
      if (setting.flag?.kind === 'string')
        expect(loadWith(key, [setting.flag.name, text], {})).toEqual(value);
      if (setting.flag?.kind === 'boolean') expect(loadWith(key, [setting.flag.name], {})).toEqual(value);
      for (const shortcut of setting.shortcuts ?? []) {
        expect(loadWith(key, [shortcut.flag], {})).toEqual(
          loadWith(key, [], { [setting.env[0] as string]: shortcut.value }),
        );
      }
      if (setting.fileKey !== undefined) {
        const file = JSON.stringify({ [setting.fileKey]: text });
        expect(loadWith(key, ['--config', '/etc/mcp-host.json'], {}, file)).toEqual(value);
      }
    },
  );
});
