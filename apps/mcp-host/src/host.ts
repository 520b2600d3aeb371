import type { Readable, Writable } from 'node:stream';
import { VersionedToolRegistry } from '@cortex-mcp/tool-registry';
import packageJson from '../package.json' with { type: 'json' };
import type { HostConfig } from './config/index.js';
import { lateUpstream } from './late-upstream.js';
import type { Logger } from './logger.js';
import type { ConnectorProxyManager, ConnectorProxyManagerOptions } from './manager/index.js';
import type { HostMetrics } from './metrics.js';
import { type OpenedSurface, openSurface } from './open-surface.js';
import { type ResolvedSettings, resolveSettings } from './resolved-settings.js';
import type { McpSurface } from './server/index.js';
import {
  ConnectPhaseGate,
  DeferredLogger,
  FirstListWait,
  type GateTimers,
  type StartupLogger,
  WarmCatalogue,
} from './startup/index.js';
import type { WarmState } from './state/index.js';
import { logUpstreamMessage } from './upstream-log.js';

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
  /**
   * Called with the MCP URL once the HTTP surface serves the warm state: at once when it serves a persisted
   * catalogue before the connect phase has started (so before `startHost` resolves), else once the manager has
   * started.
   */
  onListening?: (url: string) => void;
  /**
   * Async mode with a persisted catalogue: how long the connect phase (manager, connector proxy, SDK client,
   * undici, prom-client) may wait for the first `tools/list` before it is loaded anyway. Loading it blocks the event
   * loop, so `mcp-host serve` lets the first listing through first. A tool call or `/metrics` loads it at once.
   * Default 0: load it as soon as the surface listens.
   */
  connectPhaseDelayMs?: number;
  /** Timers of that wait and of a cold start's first-list wait; injectable for tests. */
  timers?: GateTimers;
}

/** The connect phase's modules: imported only once the gate opens, so the CLI bundle keeps them in their own chunk. */
type ConnectPhaseModules = typeof import('./connect-phase.js');

interface ConnectPhase {
  readonly manager: ConnectorProxyManager;
  readonly metrics: HostMetrics;
  readonly logger: Logger;
}

/**
 * Starts the host. In async mode (the default) the MCP surface serves at once — from the persisted catalogue when
 * there is one, registered before the connect phase is even loaded — while connectors connect in the background;
 * with `refreshSync` the first sync completes before anything is served and no background refresh runs (the seed's
 * rollback mode). Resolves once the manager has started.
 */
export async function startHost(config: HostConfig, options: StartHostOptions = {}): Promise<RunningHost> {
  const settings = resolveSettings(config);
  // pino is part of the connect phase: until it loads, entries are held (see DeferredLogger).
  const deferredLogger = new DeferredLogger(config.logLevel);
  const logger: StartupLogger = options.logger ?? deferredLogger;
  // One malformed upstream tool is left out with a warning; the connector's other tools keep serving (issue 6).
  const registry = new VersionedToolRegistry({
    logger,
    onInvalidTool: 'skip',
    prefix: settings.catalogue.namePrefix,
  });
  const gate = new ConnectPhaseGate(options.timers ? { timers: options.timers } : {});
  let surface: McpSurface | undefined;
  // An upstream log message about no client's request goes to the host's own log, never to every client: the
  // ones about a request reach that request's client only (through its call context).
  const onUpstreamLog: ManagerWiring['onUpstreamLog'] = (connectorId, entry) =>
    logUpstreamMessage(logger, connectorId, entry);
  const onElicitationComplete: ManagerWiring['onElicitationComplete'] = (connectorId, elicitationId) =>
    surface?.elicitationComplete(connectorId, elicitationId);
  const onResourceUpdated: ManagerWiring['onResourceUpdated'] = (connectorId, uri) =>
    surface?.resourceUpdated(connectorId, uri);
  const phasePromise = gate.opened.then(async (reason) => {
    logger.debug({ reason }, 'loading the connect phase');
    const modules = await import('./connect-phase.js');
    const phaseLogger = options.logger ?? modules.createLogger({ level: config.logLevel });
    deferredLogger.attach(phaseLogger);
    return createConnectPhase(modules, settings, {
      registry,
      logger: phaseLogger,
      onUpstreamLog,
      onElicitationComplete,
      onResourceUpdated,
      // Read by the fast path before the gate can open (async mode); the manager adopts it instead of reading again.
      warmState,
    });
  });
  let phase: ConnectPhase | undefined;
  let started = false;
  let warmState: WarmState | undefined;
  let firstList: FirstListWait | undefined;

  let opened: OpenedSurface;
  const surfaceIo = { version: HOST_VERSION, stdin: options.stdin, stdout: options.stdout };
  if (config.refreshSync) {
    gate.open('immediately');
    phase = await phasePromise;
    try {
      await phase.manager.start();
      const { upstream } = phase.manager;
      opened = await openSurface(config, settings, {
        ...surfaceIo,
        registry,
        upstream,
        logger,
        metrics: phase.metrics,
        getStatus: () => (phase as ConnectPhase).manager.status(),
        isReady: () => (phase as ConnectPhase).manager.ready,
      });
    } catch (error) {
      await phase.manager.disconnect();
      throw error;
    }
    surface = opened.surface;
    if (opened.url !== undefined) options.onListening?.(opened.url);
  } else {
    const warm = await WarmCatalogue.read({
      config: settings.warmStart,
      registry,
      logger,
      version: HOST_VERSION,
      onEarlyCall: () => gate.open('tool call'),
    });
    warmState = warm.state;
    const servesEarly = warm.hasCatalogue;
    // A cold start has nothing to list yet: its first lists wait for the first sync (bounded), not a warm one's.
    if (settings.firstList.wait && !servesEarly) {
      const { boundMs } = settings.firstList;
      firstList = new FirstListWait({ boundMs, logger, ...(options.timers && { timers: options.timers }) });
    }
    opened = await openSurface(config, settings, {
      ...surfaceIo,
      registry: gate.watchListings(registry),
      upstream: lateUpstream({
        current: () => (started ? (phase as ConnectPhase).manager.upstream : undefined),
        whenStarted: async () => {
          gate.open('request');
          await warm.handedOver;
          return (phase as ConnectPhase).manager.upstream;
        },
        earlyInstructions: () => warm.instructions(),
      }),
      logger,
      metrics: {
        render: async () => {
          gate.open('metrics');
          return (await phasePromise).metrics.render();
        },
      },
      getStatus: () => (started ? (phase as ConnectPhase).manager.status() : warm.status()),
      isReady: () => (started ? (phase as ConnectPhase).manager.ready : warm.ready),
      firstListReady: () => firstList?.ready(),
    });
    surface = opened.surface;
    // "Listening" means "serving the warm state": the persisted catalogue now, or else the manager's start. The
    // line goes out before the registration so a client's connect overlaps it; the registration is synchronous, so
    // no request is read before it is complete.
    if (servesEarly && opened.url !== undefined) options.onListening?.(opened.url);
    warm.serve();
    // A cold start has nothing to serve before the manager: no reason to wait.
    gate.openAfter(servesEarly ? (options.connectPhaseDelayMs ?? 0) : 0);
    try {
      phase = await phasePromise;
      await phase.manager.start();
    } catch (error) {
      firstList?.release();
      warm.abandon(error);
      await phase?.manager.disconnect();
      await surface.close();
      await opened.release();
      throw error;
    }
    if (!servesEarly && opened.url !== undefined) options.onListening?.(opened.url);
    started = true;
    warm.handOver((connectorId) => phase?.manager.upstream.runs(connectorId) ?? false);
    firstList?.releaseAfterFirstSync(phase.manager);
  }

  const { manager, logger: hostLogger } = phase;
  let shuttingDown: Promise<number> | undefined;
  const shutdown = async (): Promise<number> => {
    // Lists still waiting for the first sync answer with what is there, before the surface closes.
    firstList?.release();
    await manager.stopRefreshing();
    const cutShort = await opened.surface.drain(config.shutdownGraceMs);
    if (cutShort > 0)
      hostLogger.warn({ cutShort }, 'shutdown deadline reached with tool calls still running');
    await manager.disconnect();
    await opened.surface.close();
    await opened.release();
    hostLogger.info({}, 'mcp-host stopped');
    return cutShort;
  };

  return {
    url: opened.url,
    registry,
    manager,
    logger: hostLogger,
    closed: opened.closed,
    shutdown: () => {
      shuttingDown ??= shutdown();
      return shuttingDown;
    },
  };
}

interface ManagerWiring {
  readonly registry: VersionedToolRegistry;
  readonly warmState: WarmState | undefined;
  readonly logger: Logger;
  readonly onUpstreamLog: NonNullable<ConnectorProxyManagerOptions['onUpstreamLog']>;
  readonly onElicitationComplete: NonNullable<ConnectorProxyManagerOptions['onElicitationComplete']>;
  readonly onResourceUpdated: NonNullable<ConnectorProxyManagerOptions['onResourceUpdated']>;
}

function createConnectPhase(
  modules: ConnectPhaseModules,
  settings: ResolvedSettings,
  wiring: ManagerWiring,
): ConnectPhase {
  const metrics = new modules.HostMetrics();
  const manager = new modules.ConnectorProxyManager({
    ...settings.manager,
    registry: wiring.registry,
    metrics,
    logger: wiring.logger,
    version: HOST_VERSION,
    onUpstreamLog: wiring.onUpstreamLog,
    onElicitationComplete: wiring.onElicitationComplete,
    onResourceUpdated: wiring.onResourceUpdated,
    warmState: wiring.warmState,
  });
  return { manager, metrics, logger: wiring.logger };
}
