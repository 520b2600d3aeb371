import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UnsignedServiceMapPayload } from '@cortex-mcp/service-map-loader';
import type { HostConfig } from '../config/index.js';
import { type RunningHost, startHost } from '../host.js';
import { type DemoConnector, startDemoConnector } from './demo-connector.js';
import { MapPublisher } from './map-publisher.js';

/** A running embedded demo: its upstreams, its map endpoint and the host serving them. */
export interface RunningDemo {
  readonly host: RunningHost;
  readonly connectors: readonly DemoConnector[];
  readonly publisher: MapPublisher;
  /** Stops the upstreams and the map endpoint and removes the demo's state folder (call after the host is down). */
  close(): Promise<void>;
}

/**
 * The embedded default: two demo MCP servers on loopback (one over Streamable HTTP, one over the legacy SSE
 * transport), a service map listing them signed with a key made for this run and served on loopback, and the host
 * configured to use them. Needs no network and no configuration; state lives in a temporary folder, never in the
 * user's registry file.
 */
export async function startDemo(
  config: HostConfig,
  options: { print: (line: string) => void },
): Promise<RunningDemo> {
  const { print } = options;
  const stateHome = await mkdtemp(join(tmpdir(), 'cortex-mcp-demo-'));
  const connectors = await Promise.all([
    startDemoConnector({ name: 'notes' }),
    startDemoConnector({ name: 'research' }),
  ]);
  const [notes, research] = connectors as [DemoConnector, DemoConnector];
  const publisher = new MapPublisher();
  const mapUrl = await publisher.listen();
  publisher.publish(
    demoMap([
      { id: 'notes', endpoint: notes.streamableUrl },
      { id: 'research', endpoint: research.sseUrl },
    ]),
  );
  const close = async () => {
    await Promise.allSettled([publisher.close(), ...connectors.map((connector) => connector.close())]);
    await rm(stateHome, { recursive: true, force: true });
  };

  const demoConfig: HostConfig = {
    ...config,
    serviceMapUrl: mapUrl,
    signatureKeys: [publisher.signatureKey],
    registryPath: join(stateHome, 'mcp', 'servers.json'),
    stateDir: join(stateHome, 'mcp', 'host-state'),
    transport: 'http',
  };
  let host: RunningHost;
  try {
    host = await startHost(demoConfig).catch((error: unknown) => {
      if ((error as { cause?: { code?: string } }).cause?.code !== 'EADDRINUSE' || config.port === 0)
        throw error;
      print(`port ${config.port} is busy; serving on a free port instead (set MCP_HOST_PORT to choose one)`);
      return startHost({ ...demoConfig, port: 0 });
    });
    await host.manager.refresh('demo');
  } catch (error) {
    await close();
    throw error;
  }

  print('Cortex MCP Host: embedded demo (loopback only, nothing to install)');
  print(`  service map   ${mapUrl}  (signed with a key made for this run)`);
  print(`  upstreams     notes ${notes.streamableUrl} (Streamable HTTP), research ${research.sseUrl} (SSE)`);
  print('');
  for (const tool of host.registry.listTools()) print(`  ${tool.name.padEnd(18)} ${tool.description ?? ''}`);
  const { registry } = host;
  print(
    `  resources     ${registry
      .listResources()
      .map((resource) => resource.uri)
      .join(', ')}`,
  );
  print(
    `  templates     ${registry
      .listResourceTemplates()
      .map((template) => template.uriTemplate)
      .join(', ')}`,
  );
  print(
    `  prompts       ${registry
      .listPrompts()
      .map((prompt) => prompt.name)
      .join(', ')}`,
  );
  print('');
  print(`Point an MCP client at  ${host.url}`);
  print(`  e.g. npx @modelcontextprotocol/inspector  (transport: Streamable HTTP, URL above)`);
  print(`  status page ${new URL('/', host.url)}  (live, in a browser)`);
  print(`  status ${new URL('/status', host.url)}   metrics ${new URL('/metrics', host.url)}`);
  print('Press Ctrl+C to stop.');
  return { host, connectors, publisher, close };
}

function demoMap(entries: Array<{ id: string; endpoint: string }>): UnsignedServiceMapPayload {
  return {
    id: ulid(),
    brand: 'brAInwav',
    generatedAt: new Date().toISOString(),
    ttlSeconds: 300,
    connectors: entries.map(({ id, endpoint }) => ({
      id,
      version: '1.0.0',
      name: `Demo ${id}`,
      scopes: [`${id}:read`],
      status: 'enabled' as const,
      ttl: 300,
      endpoint,
      auth: { type: 'none' as const },
    })),
  };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID: 10 characters of millisecond time, then 16 random ones, in Crockford base32. */
function ulid(): string {
  let time = Date.now();
  let timePart = '';
  for (let index = 0; index < 10; index += 1) {
    timePart = CROCKFORD[time % 32] + timePart;
    time = Math.floor(time / 32);
  }
  return timePart + [...randomBytes(16)].map((byte) => CROCKFORD[byte % 32]).join('');
}
