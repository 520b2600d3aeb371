import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoConnector } from '@cortex-mcp/mcp-host';
import { waitFor } from '@cortex-mcp/test-servers';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startHostProcess } from './host-process.js';

/** The connector id of the upstream in the host's registry file: the prefix of its names through the host. */
export const NAMESPACE = 'demo';

/** What every test file is given: the same upstream, reached directly and through the host. */
export interface InteropBed {
  /** The upstream's own Streamable HTTP endpoint. */
  upstreamUrl: string;
  /** The host's endpoint, serving the upstream as connector {@link NAMESPACE}. */
  hostUrl: string;
}

/**
 * Starts the app's demo upstream (tools, resources, a resource template, prompts) on an ephemeral loopback port and a
 * real `mcp-host serve` in front of it (registry file in a temp CORTEX_HOME, `MCP_NAME_PREFIX=always`), and waits,
 * bounded, until the host serves the upstream's whole catalogue. `close()` stops both and removes the temp folder.
 */
export async function startInteropBed(): Promise<InteropBed & { close(): Promise<void> }> {
  const home = await mkdtemp(join(tmpdir(), 'cortex-interop-'));
  const upstream = await startDemoConnector({ name: NAMESPACE, catalogueTools: true });
  const closeAll = async (host?: { stop(): Promise<void> }) => {
    await host?.stop();
    await upstream.close();
    await rm(home, { recursive: true, force: true });
  };
  let host: Awaited<ReturnType<typeof startHostProcess>> | undefined;
  try {
    await mkdir(join(home, 'mcp'), { recursive: true });
    const servers = [{ name: NAMESPACE, transport: 'streamable-http', url: upstream.streamableUrl }];
    await writeFile(join(home, 'mcp', 'servers.json'), JSON.stringify({ version: 1, servers }), {
      mode: 0o600,
    });
    host = await startHostProcess({
      HOME: home,
      CORTEX_HOME: home,
      MCP_NAME_PREFIX: 'always',
      MCP_LOG_LEVEL: 'warn',
    });
    await waitForCatalogue(host.url);
    const started = host;
    return { upstreamUrl: upstream.streamableUrl, hostUrl: host.url, close: () => closeAll(started) };
  } catch (error) {
    const output = host?.output() ?? '';
    await closeAll(host);
    throw new Error(`interop bed did not start: ${String(error)}\n${output}`);
  }
}

/** Waits until the host lists the connector's tools, resources, templates and prompts. */
async function waitForCatalogue(hostUrl: string): Promise<void> {
  const client = new Client({ name: 'interop-bed', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(hostUrl)));
  try {
    await waitFor(
      'the host to serve the upstream’s catalogue',
      async () => {
        const [tools, resources, templates, prompts] = await Promise.all([
          client.listTools(),
          client.listResources(),
          client.listResourceTemplates(),
          client.listPrompts(),
        ]);
        return (
          tools.tools.some((tool) => tool.name === `${NAMESPACE}.echo`) &&
          resources.resources.length > 0 &&
          templates.resourceTemplates.length > 0 &&
          prompts.prompts.length > 0
        );
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
  } finally {
    await client.close();
  }
}
