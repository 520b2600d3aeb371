import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceMapConnector, UnsignedServiceMapPayload } from '@cortex-mcp/service-map-loader';
import { VersionedToolRegistry } from '@cortex-mcp/tool-registry';
import { pino } from 'pino';
import { type DemoConnector, startDemoConnector } from '../../src/demo/demo-connector.js';
import { MapPublisher } from '../../src/demo/map-publisher.js';
import { ConnectorProxyManager, type ConnectorProxyManagerOptions } from '../../src/manager/index.js';
import { HostMetrics } from '../../src/metrics.js';
import { defaultPipelineTuning } from '../../src/resolved-settings.js';
import { buildMap } from '../support/maps.js';

/** One log line as pino wrote it. */
export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export { entry } from '../support/maps.js';

/** An unsigned map valid for an hour, never a replay (generatedAt moves at least 1 s per map). */
export function mapOf(connectors: ServiceMapConnector[]): UnsignedServiceMapPayload {
  return buildMap(connectors, { ttlSeconds: 3600, minStepMs: 1000 });
}

/**
 * The pipeline's tuning at its documented defaults, with fixed-mode connects: these tests ran in fixed mode when the
 * manager still had defaults of its own (it takes every setting from its caller now).
 */
export const MANAGER_TEST_SETTINGS = {
  ...defaultPipelineTuning(),
  concurrencyMode: 'fixed',
} as const satisfies Partial<ConnectorProxyManagerOptions>;

/** What a test may set; a Redis fleet's lease defaults to 10 s, as the manager's did. */
export type TestManagerOverrides = Partial<Omit<ConnectorProxyManagerOptions, 'redis'>> & {
  stateDir: string;
  redis?: { url: string; keyPrefix: string; leaseMs?: number };
};

/** Everything a test starts, closed by `close()`. */
export class TestBed {
  readonly publisher = new MapPublisher();
  readonly connectors: DemoConnector[] = [];
  readonly managers: ConnectorProxyManager[] = [];
  readonly dirs: string[] = [];
  mapUrl = '';

  async start(): Promise<this> {
    this.mapUrl = await this.publisher.listen();
    return this;
  }

  async demo(name: string, port?: number): Promise<DemoConnector> {
    const connector = await startDemoConnector({ name, ...(port === undefined ? {} : { port }) });
    this.connectors.push(connector);
    return connector;
  }

  async tempDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'cortex-manager-test-'));
    this.dirs.push(dir);
    return dir;
  }

  /** A manager on this bed's map with small timeouts; returns it with its registry, metrics and captured logs. */
  manager(overrides: TestManagerOverrides) {
    const registry = new VersionedToolRegistry({ logger: { warn: () => {} } });
    const metrics = new HostMetrics({ defaultMetrics: false });
    const logs: LogLine[] = [];
    const logListeners = new Set<() => void>();
    const logger = pino(
      { level: 'debug' },
      {
        write: (line: string) => {
          logs.push(JSON.parse(line) as LogLine);
          for (const listener of [...logListeners]) listener();
        },
      },
    );
    /** Resolves with the first captured line matching `predicate`, as soon as it is written. */
    const waitForLog = (predicate: (line: LogLine) => boolean, what: string, timeoutMs = 5_000) => {
      let check: () => void = () => {};
      const found = new Promise<LogLine>((resolve) => {
        check = () => {
          const hit = logs.find(predicate);
          if (hit) resolve(hit);
        };
      });
      logListeners.add(check);
      check();
      return within(found, timeoutMs, what).finally(() => logListeners.delete(check));
    };
    const manager = new ConnectorProxyManager({
      serviceMapUrl: this.mapUrl,
      signatureKeys: [this.publisher.signatureKey],
      refreshSync: true,
      refreshIntervalMs: 60_000,
      connectTimeoutMs: 2_000,
      callTimeoutMs: 2_000,
      mapTimeoutMs: 2_000,
      mapMaxBytes: 1_000_000,
      registry,
      metrics,
      logger,
      version: '0.0.0-test',
      callRetryDelayMs: 20,
      ...MANAGER_TEST_SETTINGS,
      concurrency: 4,
      ...overrides,
      redis: overrides.redis && { leaseMs: 10_000, ...overrides.redis },
    });
    this.managers.push(manager);
    return { manager, registry, metrics, logs, waitForLog };
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.managers.map((manager) => manager.disconnect()));
    await Promise.allSettled(this.connectors.map((connector) => connector.close()));
    await this.publisher.close();
    await Promise.all(this.dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

/** The current value of a metric with these labels, or undefined. */
export async function metricValue(
  metrics: HostMetrics,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const metric = metrics.registry.getSingleMetric(name);
  const data = await metric?.get();
  const match = data?.values.find((value) =>
    Object.entries(labels).every(([key, expected]) => value.labels[key] === expected),
  );
  return match?.value;
}

/** Public tool names, sorted. */
export function toolNames(registry: VersionedToolRegistry): string[] {
  return registry
    .listTools()
    .map((tool) => tool.name)
    .sort();
}

/** The stdio MCP server fixture (`node stdio-server.mjs [label]`): tools `echo`, `whoami`. */
export const STDIO_SERVER = fileURLToPath(new URL('./fixtures/stdio-server.mjs', import.meta.url));

/** Writes a registry file (`{ version: 1, servers }`) into a fresh temp dir of `bed`; returns its path. */
export async function registryFileOf(bed: TestBed, servers: object[]): Promise<string> {
  const path = join(await bed.tempDir(), 'servers.json');
  await writeFile(path, JSON.stringify({ version: 1, servers }));
  return path;
}

/**
 * Resolves like `promise`, or rejects naming `what` when it has not settled within `timeoutMs`. The timer only
 * bounds an event-driven wait; nothing waits for time to pass.
 */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`gave up after ${timeoutMs} ms waiting for ${what}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, bound]);
  } finally {
    clearTimeout(timer);
  }
}

/** The first text of a tool result. */
export function firstText(result: unknown): string {
  const content = (result as { content?: Array<{ text?: string }> } | undefined)?.content;
  return content?.[0]?.text ?? '';
}
