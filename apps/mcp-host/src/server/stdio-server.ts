import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { McpSessionGroup, type McpSessionGroupOptions } from './mcp/index.js';
import type { HostServerLogger, McpSurface } from './types.js';

/** Options of {@link serveStdio}: what every session serves, and the two streams. */
export interface StdioServerOptions extends McpSessionGroupOptions {
  /** Must not write to `stdout`: that is the MCP channel. The host's pino logger writes to stderr. */
  readonly logger?: HostServerLogger;
  /** Where requests arrive. Default `process.stdin`. */
  readonly stdin?: Readable;
  /** Where answers go. Default `process.stdout`. */
  readonly stdout?: Writable;
}

/** The stdio surface: one session for the process that spawned us. */
export interface StdioSurface extends McpSurface {
  /**
   * Resolves when the client has ended the session (closed our stdin, or our stdout failed) or `close()` ran.
   * Requests still running then are cancelled (their handlers' signals abort, so upstream calls are cancelled too):
   * the client left, nothing would read their answers. Then `drain()`, `close()`, exit.
   */
  readonly closed: Promise<void>;
}

const silent: HostServerLogger = { warn: () => {} };

/**
 * Serves the registry as one MCP server over stdio (newline-delimited JSON-RPC on stdin/stdout), with the same
 * session logic as the HTTP surface.
 */
export async function serveStdio(options: StdioServerOptions): Promise<StdioSurface> {
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const logger = options.logger ?? silent;
  const group = new McpSessionGroup({
    registry: options.registry,
    ...(options.upstream && { upstream: options.upstream }),
    ...(options.instructionsMaxBytes !== undefined && { instructionsMaxBytes: options.instructionsMaxBytes }),
    ...(options.clientRequestTimeoutMs !== undefined && {
      clientRequestTimeoutMs: options.clientRequestTimeoutMs,
    }),
    ...(options.audit && { audit: options.audit }),
    serverInfo: options.serverInfo,
    firstListReady: options.firstListReady,
    logger,
    ...(options.timers && { timers: options.timers }),
  });

  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  const server = group.open();
  // The client closed our stdin (the MCP stdio shutdown, or the client process died): closing its session aborts
  // every handler still running, as a `notifications/cancelled` would, instead of letting calls run to their
  // timeout for a client that is gone.
  const clientGone = () => {
    markClosed();
    server
      .close()
      .catch((error: unknown) => logger.debug?.({ err: error }, 'could not close the stdio session'));
  };
  // An unhandled 'error' on stdout (EPIPE once the client is gone) would crash the process.
  const onOutputError = (error: Error) => {
    logger.warn({ err: error }, 'stdout failed; the MCP client is gone');
    clientGone();
  };
  stdin.once('end', clientGone);
  stdin.once('close', clientGone);
  stdout.on('error', onOutputError);

  const transport = new StdioServerTransport(stdin, stdout);
  transport.onclose = () => markClosed();
  await server.connect(transport);

  let closing: Promise<void> | undefined;
  return {
    closed,
    elicitationComplete: (connectorId, elicitationId) =>
      group.elicitationComplete(connectorId, elicitationId),
    resourceUpdated: (connectorId, uri) => group.resourceUpdated(connectorId, uri),
    drain: (timeoutMs) => group.drain(timeoutMs),
    close: () => {
      closing ??= (async () => {
        await group.close();
        stdin.off('end', clientGone);
        stdin.off('close', clientGone);
        stdout.off('error', onOutputError);
        markClosed();
      })();
      return closing;
    },
  };
}
