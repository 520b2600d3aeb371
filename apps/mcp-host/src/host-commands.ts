// The commands that run the host itself (serve, demo, tools). The CLI dispatcher calls these after it has parsed
// and validated the configuration.
import { VersionedToolRegistry } from '@cortex-mcp/tool-registry';
import type { HostConfig } from './config/index.js';
import { startDemo } from './demo/embedded-demo.js';
import { HOST_VERSION, type RunningHost, startHost } from './host.js';
import { createLogger } from './logger.js';
import { ConnectorProxyManager } from './manager/index.js';
import { HostMetrics } from './metrics.js';

/** Where a command writes: stdout for results, stderr for diagnostics. */
export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** `mcp-host` / `mcp-host serve`: runs until SIGINT/SIGTERM (or, over stdio, until the client leaves). */
export async function runServe(config: HostConfig, io: CommandIo): Promise<number> {
  const host = await startHost(config);
  if (host.url) {
    io.stdout.write(`mcp-host ${HOST_VERSION}: MCP endpoint ${host.url}\n`);
    io.stdout.write(`  status ${new URL('/status', host.url)}  metrics ${new URL('/metrics', host.url)}\n`);
  }
  return serveUntilStopped(host);
}

/** `mcp-host demo`: demo connectors and a locally signed map on loopback, served by a real host. */
export async function runDemo(config: HostConfig, io: CommandIo): Promise<number> {
  const demo = await startDemo(config, { print: (line) => io.stdout.write(`${line}\n`) });
  const code = await serveUntilStopped(demo.host);
  await demo.close();
  return code;
}

/** `mcp-host tools [--json]`: one sync against the configured map and registry file, then the tool list. */
export async function runTools(
  config: HostConfig,
  io: CommandIo,
  options: { json: boolean },
): Promise<number> {
  const logger = createLogger({ level: options.json ? 'error' : config.logLevel });
  const registry = new VersionedToolRegistry({ logger });
  const manager = new ConnectorProxyManager({
    ...config,
    refreshSync: true,
    registry,
    metrics: new HostMetrics({ defaultMetrics: false }),
    logger,
    version: HOST_VERSION,
  });
  try {
    await manager.start();
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
      const failed = manager.status().connectors.filter((connector) => connector.state === 'down');
      io.stderr.write(`${tools.length} tools; ${failed.length} connector(s) unavailable\n`);
    }
    return 0;
  } finally {
    await manager.disconnect();
  }
}

/** Serves until SIGINT/SIGTERM or the stdio client leaves, then shuts down gracefully and returns the exit code. */
async function serveUntilStopped(host: RunningHost): Promise<number> {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = resolve;
  });
  for (const signal of signals) process.once(signal, onSignal);
  const reason = await Promise.race([signalled, host.closed.then(() => 'client closed stdin' as const)]);
  host.logger.info({ reason }, 'shutting down');
  for (const signal of signals) process.removeListener(signal, onSignal);
  await host.shutdown();
  return 0;
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0] ?? '';
}
