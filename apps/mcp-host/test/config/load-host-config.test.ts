import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadHostConfig } from '../../src/config/index.js';
import { HostConfigError } from '../../src/settings/index.js';

const directory = mkdtempSync(path.join(os.tmpdir(), 'mcp-host-config-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const cwd = path.join(directory, 'work');
const env = { CORTEX_HOME: path.join(directory, 'home') };

function load(argv: string[] = [], extraEnv: Record<string, string> = {}) {
  return loadHostConfig({ argv, env: { ...env, ...extraEnv }, cwd });
}

function configFile(name: string, content: unknown): string {
  const file = path.join(directory, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function failure(run: () => unknown): HostConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HostConfigError);
    const configError = error as HostConfigError;
    expect(configError.message).not.toMatch(/[\r\n]/);
    return configError;
  }
  throw new Error('expected a HostConfigError');
}

describe('loadHostConfig defaults', () => {
  it('applies every default, with the registry under $CORTEX_HOME and the state folder beside it', () => {
    const config = load();
    expect(config.serviceMapUrl).toBeUndefined();
    expect(config.apiKey).toBeUndefined();
    expect(config).toMatchObject({
      signatureKeys: [],
      refreshSync: false,
      firstListWait: true,
      refreshIntervalMs: 300_000,
      jitterFactor: 0.2,
      concurrency: 4,
      concurrencyMode: 'adaptive',
      concurrencyMin: 2,
      concurrencyMax: 128,
      poolConnections: 10,
      http2: true,
      egressAllowedNetworks: [],
      egressAllowInsecureHttp: false,
      circuitFailureThreshold: 5,
      circuitOpenMs: 30_000,
      toolPinPolicy: 'warn',
      redisKeyPrefix: 'cortex-mcp:',
      redisLeaseMs: 10_000,
      sessionIdleTimeoutMs: 1_800_000,
      maxSessions: 1_000,
      serviceMapEtag: true,
      connectTimeoutMs: 10_000,
      callTimeoutMs: 60_000,
      mapTimeoutMs: 10_000,
      mapMaxBytes: 5 * 1024 * 1024,
      transport: 'http',
      host: '127.0.0.1',
      port: 3000,
      allowedHosts: [],
      allowedOrigins: [],
      shutdownGraceMs: 10_000,
      logLevel: 'info',
      configFile: undefined,
    });
    expect(config.registryPath).toBe(path.join(directory, 'home', 'mcp', 'servers.json'));
    expect(config.stateDir).toBe(path.join(directory, 'home', 'mcp', 'host-state'));
  });

  it('falls back to $XDG_CONFIG_HOME/cortex-os when CORTEX_HOME is unset', () => {
    const config = loadHostConfig({ argv: [], env: { XDG_CONFIG_HOME: path.join(directory, 'xdg') }, cwd });
    expect(config.registryPath).toBe(path.join(directory, 'xdg', 'cortex-os', 'mcp', 'servers.json'));
  });

  it('returns a frozen object', () => {
    const config = load();
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.signatureKeys)).toBe(true);
  });
});

describe('loadHostConfig precedence', () => {
  const file = configFile('precedence.json', { port: 1111, concurrency: 2, logLevel: 'warn' });

  it('takes flags over environment over config file over defaults', () => {
    const config = load(['--config', file, '--port', '3333'], {
      MCP_HOST_PORT: '2222',
      MCP_CONNECTOR_CONCURRENCY: '8',
    });
    expect(config.port).toBe(3333);
    expect(config.concurrency).toBe(8);
    expect(config.logLevel).toBe('warn');
    expect(config.refreshIntervalMs).toBe(300_000);
    expect(config.configFile).toBe(file);
  });

  it('finds the config file through MCP_HOST_CONFIG, and --config wins over it', () => {
    const other = configFile('other.json', { port: 4444 });
    expect(load([], { MCP_HOST_CONFIG: file }).port).toBe(1111);
    expect(load(['--config', other], { MCP_HOST_CONFIG: file }).port).toBe(4444);
  });

  it('treats blank environment variables and null file values as unset', () => {
    const nulls = configFile('nulls.json', { port: null });
    expect(load(['--config', nulls], { MCP_HOST_PORT: '  ' }).port).toBe(3000);
  });

  it('merges CONNECTORS_SIGNATURE_KEY (first, verbatim) with the CONNECTORS_SIGNATURE_KEYS list', () => {
    const config = load([], {
      CONNECTORS_SIGNATURE_KEY: 'new,key',
      CONNECTORS_SIGNATURE_KEYS: ' old , new,key,,older ',
    });
    expect(config.signatureKeys).toEqual(['new,key', 'old', 'new', 'key', 'older']);
  });

  it('lets environment keys replace the config file keys', () => {
    const keys = configFile('keys.json', { signatureKeys: ['from-file'] });
    expect(load(['--config', keys]).signatureKeys).toEqual(['from-file']);
    expect(load(['--config', keys], { CONNECTORS_SIGNATURE_KEYS: 'a,b' }).signatureKeys).toEqual(['a', 'b']);
  });

  it('resolves relative paths against cwd, or against the config file folder when they come from the file', () => {
    const nested = path.join(directory, 'nested');
    const paths = configFile('paths.json', { registryPath: 'nested/reg.json' });
    expect(load(['--config', paths]).registryPath).toBe(path.join(directory, 'nested', 'reg.json'));
    expect(load(['--config', paths]).stateDir).toBe(path.join(nested, 'host-state'));
    expect(load(['--registry-path', 'r.json', '--state-dir', 'state']).registryPath).toBe(
      path.join(cwd, 'r.json'),
    );
    expect(load([], { MCP_HOST_STATE_DIR: 'state' }).stateDir).toBe(path.join(cwd, 'state'));
  });
});

describe('loadHostConfig coercions', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['false', false],
    [' False ', false],
    ['0', false],
  ])('reads MCP_CONNECTOR_REFRESH_SYNC=%j as %s', (text, expected) => {
    expect(load([], { MCP_CONNECTOR_REFRESH_SYNC: text }).refreshSync).toBe(expected);
  });

  it('reads boolean and number flags, and --stdio as transport=stdio', () => {
    const config = load([
      '--refresh-sync',
      '--refresh-interval-ms',
      '1000',
      '--refresh-jitter',
      '0',
      '--stdio',
    ]);
    expect(config).toMatchObject({
      refreshSync: true,
      refreshIntervalMs: 1000,
      jitterFactor: 0,
      transport: 'stdio',
    });
  });

  it('reads numbers from text with surrounding spaces and from JSON numbers', () => {
    const file = configFile('numbers.json', { mapMaxBytes: 1024, jitterFactor: 0.5, callTimeoutMs: '2500' });
    const config = load(['--config', file, '--port=0'], { MCP_CONNECTOR_CONNECT_TIMEOUT_MS: ' 1500 ' });
    expect(config).toMatchObject({
      mapMaxBytes: 1024,
      jitterFactor: 0.5,
      callTimeoutMs: 2500,
      port: 0,
      connectTimeoutMs: 1500,
    });
  });

  it('reads comma lists from the environment and arrays from the file', () => {
    const file = configFile('lists.json', { allowedOrigins: ['http://localhost:3000'] });
    const config = load(['--config', file], { MCP_HOST_ALLOWED_HOSTS: 'localhost:3000, 127.0.0.1:3000' });
    expect(config.allowedHosts).toEqual(['localhost:3000', '127.0.0.1:3000']);
    expect(config.allowedOrigins).toEqual(['http://localhost:3000']);
  });

  it('turns ETag refreshes off with --no-etag, --service-map-etag false or MCP_SERVICE_MAP_ETAG=0', () => {
    expect(load(['--no-etag']).serviceMapEtag).toBe(false);
    expect(load(['--service-map-etag', 'false']).serviceMapEtag).toBe(false);
    expect(load([], { MCP_SERVICE_MAP_ETAG: '0' }).serviceMapEtag).toBe(false);
    expect(load(['--service-map-etag', 'true'], { MCP_SERVICE_MAP_ETAG: 'false' }).serviceMapEtag).toBe(true);
    const conflict = failure(() => load(['--service-map-etag', 'true', '--no-etag']));
    expect(conflict.code).toBe('invalid_value');
    expect(conflict.setting).toBe('serviceMapEtag');
    expect(conflict.message).toContain('--no-etag');
  });

  it('reads the adaptive concurrency settings from flags and the environment', () => {
    const config = load(['--concurrency-mode', 'Adaptive', '--concurrency-max', '128'], {
      MCP_CONNECTOR_CONCURRENCY_MIN: '4',
    });
    expect(config).toMatchObject({ concurrencyMode: 'adaptive', concurrencyMin: 4, concurrencyMax: 128 });
  });

  it('matches enums without regard to case', () => {
    const config = load([], { MCP_LOG_LEVEL: 'DEBUG', MCP_HOST_TRANSPORT: ' Stdio ' });
    expect(config).toMatchObject({ logLevel: 'debug', transport: 'stdio' });
  });

  it('accepts http, https and file service map URLs with a key', () => {
    for (const url of [
      'http://127.0.0.1:8080/map',
      'https://maps.example.com/map',
      'file:///etc/mcp/map.json',
    ]) {
      expect(load(['--service-map-url', url], { CONNECTORS_SIGNATURE_KEY: 'k' }).serviceMapUrl).toBe(url);
    }
  });
});

describe('loadHostConfig errors', () => {
  it.each([
    ['MCP_CONNECTOR_CONCURRENCY', 'abc', 'concurrency', 'an integer from 1 to 64'],
    ['MCP_CONNECTOR_CONCURRENCY', '65', 'concurrency', 'an integer from 1 to 64'],
    ['MCP_CONNECTOR_CONCURRENCY', '2.5', 'concurrency', 'an integer from 1 to 64'],
    ['MCP_CONNECTOR_REFRESH_SYNC', 'yes', 'refreshSync', 'true, false, 1 or 0'],
    ['MCP_CONNECTOR_CONCURRENCY_MODE', 'dynamic', 'concurrencyMode', 'fixed or adaptive'],
    ['MCP_CONNECTOR_CONCURRENCY_MIN', '0', 'concurrencyMin', 'an integer from 1 to 256'],
    ['MCP_CONNECTOR_CONCURRENCY_MAX', '257', 'concurrencyMax', 'an integer from 1 to 256'],
    ['MCP_SERVICE_MAP_ETAG', 'sometimes', 'serviceMapEtag', 'true, false, 1 or 0'],
    ['MCP_CONNECTOR_REFRESH_INTERVAL_MS', '999', 'refreshIntervalMs', 'from 1000'],
    ['MCP_CONNECTOR_REFRESH_JITTER', '1', 'jitterFactor', 'from 0 up to (not including) 1'],
    ['MCP_CONNECTOR_REFRESH_JITTER', '-0.1', 'jitterFactor', 'from 0 up to (not including) 1'],
    ['MCP_HOST_PORT', '65536', 'port', 'from 0 to 65535'],
    ['MCP_HOST_TRANSPORT', 'websocket', 'transport', 'http or stdio'],
    ['MCP_LOG_LEVEL', 'verbose', 'logLevel', 'fatal, error, warn, info, debug, trace or silent'],
    ['MCP_SERVICE_MAP_MAX_BYTES', '0', 'mapMaxBytes', 'from 1 to'],
    ['MCP_TOOL_CALL_TIMEOUT_MS', '3000000000', 'callTimeoutMs', 'to 2147483647'],
    ['CONNECTORS_SERVICE_MAP_URL', 'ftp://maps.example.com/map', 'serviceMapUrl', 'http:, https: or file:'],
    ['CONNECTORS_SERVICE_MAP_URL', 'maps.example.com/map', 'serviceMapUrl', 'http:, https: or file:'],
    ['MCP_HOST_ALLOWED_ORIGINS', 'localhost:3000', 'allowedOrigins', 'scheme://host[:port]'],
    ['MCP_HOST_BIND', 'local host', 'host', 'host name or IP address'],
    ['MCP_REDIS_LEASE_MS', '999', 'redisLeaseMs', 'from 1000 to 600000'],
    ['MCP_REDIS_LEASE_MS', '600001', 'redisLeaseMs', 'from 1000 to 600000'],
  ])(
    '%s=%j is refused with one line naming %s, the variable and what is allowed',
    (name, value, setting, allowed) => {
      const error = failure(() => load([], { [name]: value }));
      expect(error.code).toBe('invalid_value');
      expect(error.setting).toBe(setting);
      expect(error.message).toContain(setting);
      expect(error.message).toContain(`environment variable ${name}`);
      expect(error.message).toContain(JSON.stringify(value));
      expect(error.message).toContain(allowed);
    },
  );

  it('refuses a concurrency floor above the ceiling, naming where both came from', () => {
    const error = failure(() => load(['--concurrency-min', '160']));
    expect(error.code).toBe('invalid_value');
    expect(error.setting).toBe('concurrencyMin');
    expect(error.source).toEqual({ kind: 'flag', flag: '--concurrency-min' });
    expect(error.message).toBe(
      'concurrencyMin 160 (from flag --concurrency-min) is above concurrencyMax 128 (from the default): ' +
        'lower MCP_CONNECTOR_CONCURRENCY_MIN or raise MCP_CONNECTOR_CONCURRENCY_MAX.',
    );
    const fromMax = failure(() => load([], { MCP_CONNECTOR_CONCURRENCY_MAX: '1' }));
    expect(fromMax.setting).toBe('concurrencyMax');
    expect(fromMax.message).toContain(
      'concurrencyMax 1 (from environment variable MCP_CONNECTOR_CONCURRENCY_MAX)',
    );
  });

  it('names the flag when a flag value is bad', () => {
    const error = failure(() => load(['--concurrency', '0']));
    expect(error.message).toBe(
      'Invalid concurrency "0" from flag --concurrency: expected an integer from 1 to 64.',
    );
    expect(error.source).toEqual({ kind: 'flag', flag: '--concurrency' });
  });

  it('names the config file and key when a file value is bad', () => {
    const file = configFile('bad-value.json', { port: 'eighty' });
    const error = failure(() => load(['--config', file]));
    expect(error.message).toContain(`config file ${file} (key "port")`);
    expect(error.message).toContain('"eighty"');
  });

  it('refuses a JSON value of the wrong type in the file', () => {
    const file = configFile('wrong-type.json', { refreshSync: 'maybe', allowedHosts: 'a.example' });
    expect(failure(() => load(['--config', file])).setting).toBe('refreshSync');
  });

  it('never quotes a secret value', () => {
    const apiKey = 'sk-live-\u0007-do-not-print';
    const error = failure(() => load([], { CONNECTORS_API_KEY: apiKey }));
    expect(error.setting).toBe('apiKey');
    expect(error.message).toContain('(value hidden)');
    expect(error.message).not.toContain('sk-live');
    const file = configFile('secret.json', { signatureKeys: ['', 'hunter2-secret'] });
    const fileError = failure(() => load(['--config', file]));
    expect(fileError.setting).toBe('signatureKeys');
    expect(fileError.message).not.toContain('hunter2');
  });

  it('requires a signature key when a service map URL is set', () => {
    const error = failure(() => load([], { CONNECTORS_SERVICE_MAP_URL: 'https://maps.example.com/map' }));
    expect(error.code).toBe('missing_value');
    expect(error.setting).toBe('signatureKeys');
    expect(error.message).toContain('CONNECTORS_SIGNATURE_KEY');
    expect(error.message).toContain('environment variable CONNECTORS_SERVICE_MAP_URL');
  });

  it('names every unknown config-file key and suggests the setting it resembles', () => {
    const file = configFile('unknown.json', { port: 1, service_map_url: 'x', colour: 'red' });
    const error = failure(() => load(['--config', file]));
    expect(error.code).toBe('unknown_key');
    expect(error.message).toContain('"service_map_url" (did you mean "serviceMapUrl"?)');
    expect(error.message).toContain('"colour"');
    expect(error.message).toContain(file);
  });

  it('refuses configFile as a key of the config file itself', () => {
    const file = configFile('nested-config.json', { configFile: 'other.json' });
    expect(failure(() => load(['--config', file])).code).toBe('unknown_key');
  });

  it('reports a missing, unparsable or non-object config file', () => {
    const missing = path.join(directory, 'missing.json');
    const unreadable = failure(() => load([], { MCP_HOST_CONFIG: missing }));
    expect(unreadable.code).toBe('unreadable_file');
    expect(unreadable.message).toContain('environment variable MCP_HOST_CONFIG');
    expect(unreadable.message).toContain('ENOENT');
    expect(failure(() => load(['--config', configFile('broken.json', '{"port": ')])).code).toBe(
      'invalid_file',
    );
    expect(failure(() => load(['--config', configFile('array.json', [1])])).code).toBe('invalid_file');
  });

  it('reads the config file through the injected readFile', () => {
    const reads: string[] = [];
    const config = loadHostConfig({
      argv: ['--config', 'virtual.json'],
      env,
      cwd,
      readFile: (file) => {
        reads.push(file);
        return '{"port": 9}';
      },
    });
    expect(reads).toEqual([path.join(cwd, 'virtual.json')]);
    expect(config.port).toBe(9);
  });

  it('refuses an unknown flag, a flag without its value, a stray argument and conflicting flags', () => {
    const unknown = failure(() => load(['--prot', '80']));
    expect(unknown.code).toBe('unknown_flag');
    expect(unknown.message).toBe(
      'Unknown flag --prot for "mcp-host serve"; run "mcp-host serve --help" for the flags.',
    );
    const noValue = failure(() => load(['--port']));
    expect(noValue.code).toBe('missing_value');
    expect(noValue.setting).toBe('port');
    expect(failure(() => load(['--stdio=yes'])).code).toBe('missing_value');
    expect(failure(() => load(['extra'])).code).toBe('unexpected_argument');
    const conflict = failure(() => load(['--transport', 'http', '--stdio']));
    expect(conflict.code).toBe('invalid_value');
    expect(conflict.message).toContain('--stdio');
  });

  it('offers no flag for secrets', () => {
    expect(failure(() => load(['--api-key', 'sk-1'])).code).toBe('unknown_flag');
  });
});
