// The commands that run the host itself (serve, demo, tools). The CLI dispatcher calls these after it has parsed
// and validated the configuration.
import { VersionedToolRegistry } from '@cortex-mcp/tool-registry';
import type { HostConfig } from '../config/index.js';
import { HOST_VERSION, type RunningHost, startHost } from '../host.js';
import { resolveSettings } from '../resolved-settings.js';
import type { ConnectorStatus } from '../status/index.js';
import type { CommandIo } from './command.js';
import { printable } from './format.js';
import { ConnectProgressLine } from './progress.js';

/** Where a command writes: stdout for results, stderr for diagnostics. */
/**
 * How long `serve` lets a warm start answer its first `tools/list` from the persisted catalogue before it loads the
 * connect phase anyway (loading it blocks the event loop for a while). Clients that list tools at once — the usual
 * case — open it sooner; so do a tool call and `/metrics`.
 */
export const SERVE_CONNECT_PHASE_DELAY_MS = 250;

/** `mcp-host` / `mcp-host serve`: runs until SIGINT/SIGTERM (or, over stdio, until the client leaves). */
export async function runServe(config: HostConfig, io: CommandIo): Promise<number> {
  // Listen for signals before starting: one that arrives while the connect phase loads still shuts down gracefully.
  const stopSignal = watchStopSignals();
  const host = await startHost(config, {
    connectPhaseDelayMs: SERVE_CONNECT_PHASE_DELAY_MS,
    onListening: (url) => {
      io.stdout.write(`mcp-host ${HOST_VERSION}: MCP endpoint ${url}\n`);
      io.stdout.write(
        `  status page ${new URL('/', url)}  status ${new URL('/status', url)}  metrics ${new URL('/metrics', url)}\n`,
      );
    },
  }).catch((error: unknown) => {
    stopSignal.dispose();
    throw error;
  });
  return serveUntilStopped(host, stopSignal);
}

/** `mcp-host demo`: demo connectors and a locally signed map on loopback, served by a real host. */
export async function runDemo(config: HostConfig, io: CommandIo): Promise<number> {
  // Only the demo needs the demo servers (and the SDK's McpServer and SSE server transport they use).
  const { startDemo } = await import('../demo/index.js');
  const stopSignal = watchStopSignals();
  const demo = await startDemo(config, { print: (line) => io.stdout.write(`${line}\n`) }).catch(
    (error: unknown) => {
      stopSignal.dispose();
      throw error;
    },
  );
  const code = await serveUntilStopped(demo.host, stopSignal);
  await demo.close();
  return code;
}

/** `mcp-host tools [--json]`: one sync against the configured map and registry file, then the tool list. */
export async function runTools(
  config: HostConfig,
  io: CommandIo,
  options: { json: boolean },
): Promise<number> {
  const { ConnectorProxyManager, HostMetrics, createLogger } = await import('../connect-phase.js');
  const progress = new ConnectProgressLine(io, 'connecting');
  // On a terminal the progress line names each failure, so the per-connector warnings would only repeat it.
  const level = options.json
    ? 'error'
    : progress.enabled && config.logLevel === 'info'
      ? 'error'
      : config.logLevel;
  const logger = createLogger({ level });
  // One malformed upstream tool is left out with a warning; the connector's other tools keep serving (issue 6).
  const settings = resolveSettings(config);
  const registry = new VersionedToolRegistry({
    logger,
    onInvalidTool: 'skip',
    prefix: settings.catalogue.namePrefix,
  });
  const manager = new ConnectorProxyManager({
    ...settings.manager,
    refreshSync: true,
    registry,
    metrics: new HostMetrics({ defaultMetrics: false }),
    logger,
    version: HOST_VERSION,
    onConnectProgress: (event) => progress.update(event),
  });
  try {
    await manager.start();
    progress.finish();
    const tools = registry.listTools();
    if (options.json) {
      const listed = tools.map(({ name, description, metadata }) => ({
        name,
        description,
        connectorId: metadata.connectorId,
        originalName: metadata.originalName,
      }));
      io.stdout.write(`${JSON.stringify(listed, null, 2)}\n`);
    } else {
      for (const tool of tools) io.stdout.write(`${tool.name}\t${firstLine(tool.description)}\n`);
      const { connectors } = manager.status();
      for (const connector of connectors) io.stderr.write(`${servesLine(connector)}\n`);
      const failed = connectors.filter((connector) => connector.state === 'down');
      io.stderr.write(`${tools.length} tools; ${failed.length} connector(s) unavailable\n`);
    }
    return 0;
  } finally {
    progress.finish();
    await manager.disconnect();
  }
}

/** `notes: 3 tools, 2 resources, 1 resource template, 0 prompts (up)`: what one connector serves. */
function servesLine(connector: ConnectorStatus): string {
  const { toolCount, resourceCount, resourceTemplateCount, promptCount } = connector;
  return `${printable(connector.id)}: ${toolCount} tools, ${resourceCount} resources, ${resourceTemplateCount} resource templates, ${promptCount} prompts (${connector.state})`;
}

/** The first SIGINT/SIGTERM, as a promise; `dispose()` removes the listeners. */
interface StopSignal {
  readonly received: Promise<NodeJS.Signals>;
  dispose(): void;
}

function watchStopSignals(): StopSignal {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const received = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = resolve;
  });
  for (const signal of signals) process.once(signal, onSignal);
  return {
    received,
    dispose: () => {
      for (const signal of signals) process.removeListener(signal, onSignal);
    },
  };
}

/** Serves until SIGINT/SIGTERM or the stdio client leaves, then shuts down gracefully and returns the exit code. */
async function serveUntilStopped(host: RunningHost, stopSignal: StopSignal): Promise<number> {
  const reason = await Promise.race([
    stopSignal.received,
    host.closed.then(() => 'client closed stdin' as const),
  ]);
  host.logger.info({ reason }, 'shutting down');
  stopSignal.dispose();
  // A second SIGINT/SIGTERM while draining means "now": exit at once (128 + signal number, as a shell reports it).
  const exitNow = (signal: NodeJS.Signals) => {
    host.logger.warn({ signal }, 'second stop signal: exiting without waiting for the drain');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', exitNow);
  process.once('SIGTERM', exitNow);
  await host.shutdown();
  process.removeListener('SIGINT', exitNow);
  process.removeListener('SIGTERM', exitNow);
  return 0;
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0] ?? '';
}
