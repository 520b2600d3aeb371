import type { Readable, Writable } from 'node:stream';
import type { VersionedToolRegistry } from '@cortex-mcp/tool-registry';
import { openAuditLog } from './audit-log.js';
import { openDoor } from './auth/index.js';
import { type HostConfig, isLoopbackHost } from './config/index.js';
import type { ResolvedSettings } from './resolved-settings.js';
import {
  createHostHttpServer,
  type HostHttpServerOptions,
  type McpSurface,
  serveStdio,
  type UpstreamRouter,
} from './server/index.js';
import type { StartupLogger } from './startup/index.js';

/** The MCP surface the host serves on, where (HTTP), and when it ends on its own (stdio: the client left). */
export interface OpenedSurface {
  readonly surface: McpSurface;
  readonly url?: string;
  readonly closed: Promise<void>;
  /** Closes what the surface writes to besides its clients (the audit log); after `surface.close()`. */
  release(): Promise<void>;
}

/** What the surface is wired to. */
export interface SurfaceWiring
  extends Pick<HostHttpServerOptions, 'metrics' | 'getStatus' | 'isReady' | 'firstListReady'> {
  readonly registry: VersionedToolRegistry;
  readonly upstream: UpstreamRouter;
  readonly logger: StartupLogger;
  /** Reported in `initialize`. */
  readonly version: string;
  /** Stdio's streams, when not the process's own (tests). */
  readonly stdin?: Readable | undefined;
  readonly stdout?: Writable | undefined;
}

/**
 * Opens the host's MCP surface for `config.transport`: stdio, or the HTTP server with its door (which may read the
 * keys file, and refuses to start when it cannot).
 */
export async function openSurface(
  config: HostConfig,
  settings: ResolvedSettings,
  wiring: SurfaceWiring,
): Promise<OpenedSurface> {
  const { metrics, getStatus, isReady, version, stdin, stdout, ...shared } = wiring;
  const audit = openAuditLog(config.auditLog, wiring.logger);
  const release = async () => {
    await audit?.close();
  };
  const group = {
    ...shared,
    ...(audit && { audit: audit.sink }),
    instructionsMaxBytes: settings.catalogue.instructionsMaxBytes,
    clientRequestTimeoutMs: settings.catalogue.clientRequestTimeoutMs,
    serverInfo: { name: 'cortex-mcp-host', version },
  };
  if (config.transport === 'stdio') {
    const stdio = await serveStdio({ ...group, ...(stdin && { stdin }), ...(stdout && { stdout }) });
    return { surface: stdio, closed: stdio.closed, release };
  }
  const door = await openDoor(config, wiring.logger, isLoopbackHost(config.host));
  const http = await createHostHttpServer({
    ...group,
    metrics,
    ...settings.server,
    getStatus,
    isReady,
    door,
  });
  return { surface: http, url: http.url, closed: new Promise<void>(() => {}), release };
}
