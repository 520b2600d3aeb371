import type { Readable, Writable } from 'node:stream';
import { VersionedToolRegistry } from '@cortex-mcp/tool-registry';
import packageJson from '../package.json' with { type: 'json' };
import type { HostConfig } from './config/index.js';
import { createLogger, type Logger } from './logger.js';
import { ConnectorProxyManager } from './manager/index.js';
import { HostMetrics } from './metrics.js';
import { createHostHttpServer, type McpSurface, serveStdio } from './server/index.js';

/** The host's version, as reported in `initialize` and `/status`. */
export const HOST_VERSION: string = packageJson.version;

/** A running host: the sync pipeline composed with one MCP surface (Streamable HTTP or stdio). */
export interface RunningHost {
  /** `http://HOST:PORT/mcp` over HTTP; undefined over stdio. */
  readonly url: string | undefined;
  readonly registry: VersionedToolRegistry;
  readonly manager: ConnectorProxyManager;
  readonly logger: Logger;
  /** Resolves when a stdio client goes away (never, over HTTP). */
  readonly closed: Promise<void>;
  /** Graceful shutdown, in the order the design asks for; idempotent. Resolves with the calls cut short. */
  shutdown(): Promise<number>;
}

/** Options of {@link startHost} beyond the configuration. */
export interface StartHostOptions {
  logger?: Logger;
  /** Streams of the stdio transport. Default: the process's stdin and stdout. */
  stdin?: Readable;
  stdout?: Writable;
}

/**
 * Starts the host. In async mode (the default) the MCP surface serves at once — from the persisted catalogue when
 * there is one — while connectors connect in the background; with `refreshSync` the first sync completes before
 * anything is served and no background refresh runs (the seed's rollback mode).
 */
export async function startHost(config: HostConfig, options: StartHostOptions = {}): Promise<RunningHost> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const metrics = new HostMetrics();
  const registry = new VersionedToolRegistry({ logger });
  let surface: McpSurface | undefined;
  const manager = new ConnectorProxyManager({
    serviceMapUrl: config.serviceMapUrl,
    signatureKeys: config.signatureKeys,
    apiKey: config.apiKey,
    refreshSync: config.refreshSync,
    refreshIntervalMs: config.refreshIntervalMs,
    jitterFactor: config.jitterFactor,
    concurrency: config.concurrency,
    concurrencyMode: config.concurrencyMode,
    concurrencyMin: config.concurrencyMin,
    concurrencyMax: config.concurrencyMax,
    connectTimeoutMs: config.connectTimeoutMs,
    callTimeoutMs: config.callTimeoutMs,
    mapTimeoutMs: config.mapTimeoutMs,
    mapMaxBytes: config.mapMaxBytes,
    serviceMapEtag: config.serviceMapEtag,
    agent: { connections: config.poolConnections, http2: config.http2 },
    registryPath: config.registryPath,
    stateDir: config.stateDir,
    registry,
    metrics,
    logger,
    version: HOST_VERSION,
    onUpstreamLog: (connectorId, entry) =>
      surface?.broadcastLog({
        connectorId,
        level: entry.level,
        data: entry.data,
        ...(entry.logger === undefined ? {} : { logger: entry.logger }),
      }),
  });

  const serverInfo = { name: 'cortex-mcp-host', version: HOST_VERSION };
  const openSurface = async (): Promise<{ surface: McpSurface; url?: string; closed: Promise<void> }> => {
    if (config.transport === 'stdio') {
      const stdio = await serveStdio({
        registry,
        serverInfo,
        logger,
        ...(options.stdin && { stdin: options.stdin }),
        ...(options.stdout && { stdout: options.stdout }),
      });
      return { surface: stdio, closed: stdio.closed };
    }
    const http = await createHostHttpServer({
      registry,
      metrics,
      logger,
      serverInfo,
      host: config.host,
      port: config.port,
      allowedHosts: [...config.allowedHosts],
      allowedOrigins: [...config.allowedOrigins],
      getStatus: () => manager.status(),
      isReady: () => manager.ready,
    });
    return { surface: http, url: http.url, closed: new Promise<void>(() => {}) };
  };

  let opened: Awaited<ReturnType<typeof openSurface>>;
  try {
    if (config.refreshSync) await manager.start();
    opened = await openSurface();
    surface = opened.surface;
    if (!config.refreshSync) await manager.start();
  } catch (error) {
    await manager.disconnect();
    await surface?.close();
    throw error;
  }

  let shuttingDown: Promise<number> | undefined;
  const shutdown = async (): Promise<number> => {
    await manager.stopRefreshing();
    const cutShort = await opened.surface.drain(config.shutdownGraceMs);
    if (cutShort > 0) logger.warn({ cutShort }, 'shutdown deadline reached with tool calls still running');
    await manager.disconnect();
    await opened.surface.close();
    logger.info({}, 'mcp-host stopped');
    return cutShort;
  };

  return {
    url: opened.url,
    registry,
    manager,
    logger,
    closed: opened.closed,
    shutdown: () => {
      shuttingDown ??= shutdown();
      return shuttingDown;
    },
  };
}
