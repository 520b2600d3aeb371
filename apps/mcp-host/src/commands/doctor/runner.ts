import type { ConnectProgressEvent } from '../../manager/index.js';
import { resolveSettings } from '../../resolved-settings.js';
import { createHostPool } from '../../upstream/index.js';
import type { CommandEnv } from '../command.js';
import { checkAuth } from './auth-check.js';
import { allPassed, check, type DoctorCheck } from './check.js';
import { checkConfiguration } from './config-check.js';
import { checkConnectors } from './connector-checks.js';
import { checkServiceMap } from './map-checks.js';
import { checkFleetRedis } from './redis-check.js';
import { checkRegistryFile } from './registry-check.js';
import { collectSecrets, scrubCheck } from './secrets.js';

/** Default bound on each connector probe, in ms: short, since an operator waits for the answer. */
export const DOCTOR_TIMEOUT_MS = 5_000;

/** Bound on connecting to Redis and on each command there, in ms: it answers in well under a second when up. */
const REDIS_TIMEOUT_MS = 2_000;

/** Options of {@link runDoctorChecks}. */
export interface DoctorOptions {
  /** The setting flags (as for `mcp-host serve`). */
  readonly argv: readonly string[];
  readonly env: CommandEnv;
  /** Base for relative paths. Default `process.cwd()`. */
  readonly cwd?: string | undefined;
  /** Bound on each connector probe (a shorter configured connect timeout wins), in ms. Default 5000. */
  readonly timeoutMs?: number | undefined;
  /** Sent as the client version in `initialize`. */
  readonly version: string;
  /** Epoch-ms clock. Default `Date.now`. */
  readonly clock?: (() => number) | undefined;
  /** Called as each connector probe settles. */
  readonly onConnectProgress?: ((event: ConnectProgressEvent) => void) | undefined;
}

/**
 * The doctor's findings, in report order: configuration, map, signature, expiry, connectors, registry file, and
 * with Redis configured, Redis and the map the fleet shares there.
 */
export interface DoctorReport {
  /** True when no check failed (warnings allowed). */
  readonly ok: boolean;
  readonly checks: readonly DoctorCheck[];
}

/**
 * Runs every check once, without changing anything: loads the configuration, fetches and verifies the map through
 * the loader, inspects the registry file, then probes each connector (connect, list tools, disconnect) on an upstream
 * pool like the host's, and with Redis configured checks it and the map shared there. Later checks that need an
 * earlier one are skipped when it fails. No text holds a secret.
 */
export async function runDoctorChecks(options: DoctorOptions): Promise<DoctorReport> {
  const clock = options.clock ?? Date.now;
  const configured = checkConfiguration(options.argv, options.env, options.cwd);
  const config = configured.config;
  if (config === undefined) {
    const reason = 'not checked: the configuration is invalid';
    const skipped = (['map', 'signature', 'expiry', 'connector', 'registry', 'auth'] as const).map((area) =>
      check(area, SKIPPED_NAMES[area], 'skip', reason),
    );
    return report([configured.check, ...skipped], []);
  }
  const settings = resolveSettings(config);
  const pool = createHostPool(settings.upstream, config.serviceMapUrl);
  try {
    const mapResult = await checkServiceMap(config, { dispatcher: pool.requests, clock });
    const registry = await checkRegistryFile(config.registryPath);
    const connectors = await checkConnectors({
      map: mapResult.map,
      mapUnverified: config.serviceMapUrl !== undefined && mapResult.map === undefined,
      servers: registry.servers,
      specDefaults: settings.specDefaults,
      probe: {
        dispatcher: pool.requests,
        streamDispatcher: pool.streams,
        apiKey: config.apiKey,
        timeoutMs: options.timeoutMs ?? DOCTOR_TIMEOUT_MS,
        version: options.version,
        clock,
      },
      onProgress: options.onConnectProgress,
    });
    const fleet = await checkFleetRedis(config, {
      clock,
      timeoutMs: Math.min(options.timeoutMs ?? DOCTOR_TIMEOUT_MS, REDIS_TIMEOUT_MS),
    });
    const auth = await checkAuth(config);
    const secrets = collectSecrets(config, registry.servers, mapResult.map);
    return report(
      [configured.check, ...mapResult.checks, ...connectors, registry.check, ...fleet, auth],
      secrets,
    );
  } finally {
    await pool.close();
  }
}

const SKIPPED_NAMES = {
  map: 'service map',
  signature: 'map signature',
  expiry: 'map expiry',
  connector: 'connectors',
  registry: 'registry file',
  auth: 'client auth',
} as const;

function report(checks: readonly DoctorCheck[], secrets: readonly string[]): DoctorReport {
  const scrubbed = checks.map((entry) => scrubCheck(entry, secrets));
  return { ok: allPassed(scrubbed), checks: scrubbed };
}
