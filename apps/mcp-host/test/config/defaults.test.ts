import path from 'node:path';
import { VersionedToolRegistry } from '@cortex-mcp/tool-registry';
import { describe, expect, it } from 'vitest';
import { type HostConfig, loadHostConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/logger.js';
import { resolveManagerOptions } from '../../src/manager/options.js';
import { HostMetrics } from '../../src/metrics.js';
import { resolveSettings } from '../../src/resolved-settings.js';
import { type HostSettingKey, hostSetting, hostSettings } from '../../src/settings/index.js';

const cwd = path.resolve('/srv/mcp');
const env = { CORTEX_HOME: '/srv/cortex' };

/** The configuration with nothing set, as `mcp-host serve` loads it; and with only a Redis URL (the fleet's settings). */
const config = loadHostConfig({ argv: [], env, cwd, command: 'serve' });
const fleetConfig = loadHostConfig({
  argv: [],
  env: { ...env, MCP_REDIS_URL: 'redis://127.0.0.1:6379' },
  cwd,
  command: 'serve',
});

/** What the manager runs with: the resolved settings after the manager's own checks. */
function managerOptions(from: HostConfig) {
  return resolveManagerOptions({
    ...resolveSettings(from).manager,
    registry: new VersionedToolRegistry(),
    metrics: new HostMetrics({ defaultMetrics: false }),
    logger: silentLogger(),
    version: 'test',
  });
}

const settings = resolveSettings(config);
const manager = managerOptions(config);
const fleet = managerOptions(fleetConfig).redis;

/**
 * For every setting, the value the part that uses it receives when nothing is configured: the manager (after its
 * checks), the HTTP surface, the warm start, the upstream pool, the connector specs' defaults, or the host itself
 * (`startHost` reads the last four from the configuration).
 */
const inUse: Record<HostSettingKey, unknown> = {
  serviceMapUrl: manager.serviceMapUrl ?? settings.warmStart.serviceMapUrl,
  signatureKeys: manager.signatureKeys,
  apiKey: manager.apiKey,
  refreshSync: manager.refreshSync,
  firstListWait: settings.firstList.wait,
  refreshIntervalMs: manager.refreshIntervalMs,
  jitterFactor: manager.jitterFactor,
  concurrency: manager.concurrency,
  concurrencyMode: manager.concurrencyMode,
  concurrencyMin: manager.concurrencyMin,
  concurrencyMax: manager.concurrencyMax,
  poolConnections: manager.upstream.connections,
  http2: manager.upstream.http2,
  egressAllowedNetworks: manager.upstream.allowedNetworks,
  egressAllowInsecureHttp: manager.upstream.allowInsecureHttp,
  circuitFailureThreshold: manager.circuitFailureThreshold,
  circuitOpenMs: manager.circuitOpenMs,
  toolPinPolicy: manager.toolPinPolicy,
  namePrefix: settings.catalogue.namePrefix,
  instructionsMaxBytes: settings.catalogue.instructionsMaxBytes,
  clientRequestTimeoutMs: settings.catalogue.clientRequestTimeoutMs,
  redisUrl: manager.redis?.url,
  redisKeyPrefix: fleet?.keyPrefix,
  redisLeaseMs: fleet?.leaseMs,
  sessionIdleTimeoutMs: settings.server.sessionIdleTimeoutMs,
  maxSessions: settings.server.maxSessions,
  connectTimeoutMs: settings.specDefaults.connectTimeoutMs,
  callTimeoutMs: settings.specDefaults.callTimeoutMs,
  mapTimeoutMs: manager.mapTimeoutMs,
  mapMaxBytes: manager.mapMaxBytes,
  serviceMapEtag: manager.serviceMapEtag,
  transport: config.transport,
  host: settings.server.host,
  port: settings.server.port,
  allowedHosts: settings.server.allowedHosts,
  allowedOrigins: settings.server.allowedOrigins,
  auth: config.auth,
  allowUnauthenticated: config.allowUnauthenticated,
  keysPath: config.keysPath,
  opsScope: settings.server.opsScope,
  auditLog: config.auditLog,
  registryPath: settings.warmStart.registryPath,
  registryWatchDebounceMs: manager.registryWatchDebounceMs,
  stateDir: settings.warmStart.stateDir,
  shutdownGraceMs: config.shutdownGraceMs,
  logLevel: config.logLevel,
  configFile: config.configFile,
};

/**
 * The documented default (the reference's "default" column) as a value: a number or a keyword as written, `none`
 * as nothing set, and the defaults that are derived (named paths, Host/Origin lists derived from host and port).
 */
function documented(key: HostSettingKey): unknown {
  const text = hostSetting(key).default;
  if (key === 'registryPath') return path.join('/srv/cortex', 'mcp', 'servers.json');
  if (key === 'stateDir') return path.join('/srv/cortex', 'mcp', 'host-state');
  if (key === 'keysPath') return path.join('/srv/cortex', 'mcp', 'keys.json');
  if (key === 'auth') return 'none'; // a mode, not "nothing set"
  if (text === 'derived from host and port') return [];
  if (text.startsWith('none')) return /list|one or more/.test(hostSetting(key).type) ? [] : undefined;
  const [word = ''] = text.split(' ');
  if (word === 'true' || word === 'false') return word === 'true';
  if (/^-?\d+(\.\d+)?$/.test(word)) return Number(word);
  return word;
}

describe('the documented default is the value every part runs with', () => {
  it('covers every setting of the reference', () => {
    expect(Object.keys(inUse).sort()).toEqual(hostSettings.map((setting) => setting.key).sort());
  });

  it.each(hostSettings.map((setting) => setting.key))('%s', (key) => {
    expect(inUse[key]).toEqual(documented(key));
  });

  it('the derived Host and Origin lists stay empty, so the server derives them from host and port', () => {
    expect(hostSetting('allowedHosts').default).toBe('derived from host and port');
    expect(settings.server.allowedHosts).toEqual([]);
  });
});
