// The servers the suite runs against: the fixture upstream alone, or the host serving the fixture's tools.

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { captureTail, firstLine, pickFreePort, startChild, waitUntil } from './processes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURE_PATH = join(here, 'fixture-server.mjs');
export const REPO_ROOT = join(here, '..', '..', '..');
export const HOST_CLI_PATH = join(REPO_ROOT, 'apps', 'mcp-host', 'dist', 'cli.js');

/** The connector name the host knows the fixture by; its tools are served without a namespace prefix. */
export const FIXTURE_CONNECTOR_NAME = 'conformance';

/** Starts the fixture upstream on an ephemeral 127.0.0.1 port and resolves with its URL and a stop(). */
export async function startFixture({ startTimeoutMs }) {
  // stdin stays open as a lifeline: if the runner dies without stopping it, the fixture exits on its own.
  const handle = startChild(process.execPath, [FIXTURE_PATH, '--exit-on-stdin-close'], { stdin: 'pipe' });
  const stderr = captureTail(handle.child.stderr);
  try {
    const line = await firstLine(handle, startTimeoutMs, 'The fixture upstream');
    const { url } = JSON.parse(line);
    return { url, stop: () => handle.stop(), logTail: (lines) => stderr.lastLines(lines) };
  } catch (error) {
    await handle.stop();
    throw new Error(`${error.message}\n${stderr.lastLines(20)}`);
  }
}

/**
 * The registry file the host reads from $CORTEX_HOME/mcp/servers.json: one enabled connector. Its names stay bare
 * because the host runs with MCP_NAME_PREFIX=conditional and nothing collides (the suite calls `test_simple_text`
 * and reads `test://static-text`, not prefixed names).
 */
export function registryFileFor(fixtureUrl) {
  return {
    version: 1,
    servers: [
      {
        name: FIXTURE_CONNECTOR_NAME,
        transport: 'streamable-http',
        url: fixtureUrl,
        enabled: true,
      },
    ],
  };
}

/**
 * The host's environment: ours, less any service map, plus its port, loopback bind, a private CORTEX_HOME, and
 * MCP_NAME_PREFIX=conditional so the suite's fixed names pass through unprefixed.
 */
export function hostEnv({ port, cortexHome }) {
  const env = {
    ...process.env,
    MCP_HOST_PORT: String(port),
    MCP_HOST_BIND: '127.0.0.1',
    CORTEX_HOME: cortexHome,
    MCP_NAME_PREFIX: 'conditional',
  };
  delete env.CONNECTORS_SERVICE_MAP_URL;
  return env;
}

async function answers200(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await response.arrayBuffer();
  return response.status === 200;
}

/** Whether the host's tools/list includes every name in `toolNames` (one short-lived MCP session). */
async function hostListsTools(mcpUrl, toolNames) {
  const client = new Client({ name: 'cortex-conformance-runner', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl));
  try {
    await client.connect(transport, { timeout: 5000 });
    const { tools } = await client.listTools(undefined, { timeout: 5000 });
    const listed = new Set(tools.map((tool) => tool.name));
    return toolNames.every((name) => listed.has(name));
  } finally {
    await transport.terminateSession().catch(() => {});
    await client.close().catch(() => {});
  }
}

/**
 * Starts `node apps/mcp-host/dist/cli.js serve` against the fixture, waits for /readyz to answer 200 and for the
 * fixture's tools to appear in tools/list (both bounded), and resolves with the host's MCP URL and a stop().
 * A host whose tools never appear is still returned (with a warning): the scenarios then say what is missing.
 */
export async function startHost({ fixtureUrl, toolNames, readyTimeoutMs, hostCliPath = HOST_CLI_PATH }) {
  if (!existsSync(hostCliPath)) {
    throw new Error(
      `The host is not built: ${hostCliPath} does not exist. Build it first ` +
        '(pnpm exec turbo run build --filter=@cortex-mcp/mcp-host...), or run with --target fixture.',
    );
  }
  const cortexHome = await mkdtemp(join(tmpdir(), 'cortex-conformance-'));
  await mkdir(join(cortexHome, 'mcp'), { recursive: true });
  await writeFile(
    join(cortexHome, 'mcp', 'servers.json'),
    `${JSON.stringify(registryFileFor(fixtureUrl), null, 2)}\n`,
  );
  const port = await pickFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const handle = startChild(process.execPath, [hostCliPath, 'serve'], { env: hostEnv({ port, cortexHome }) });
  const stdout = captureTail(handle.child.stdout);
  const stderr = captureTail(handle.child.stderr);
  const logTail = (lines) => [stdout.lastLines(lines), stderr.lastLines(lines)].filter(Boolean).join('\n');
  const stop = async () => {
    await handle.stop();
    await rm(cortexHome, { recursive: true, force: true });
  };

  const ready = await waitUntil(() => answers200(`${baseUrl}/readyz`), {
    timeoutMs: readyTimeoutMs,
    abortIf: handle.hasExited,
  });
  if (!ready) {
    const reason = handle.hasExited()
      ? 'exited'
      : `did not answer GET /readyz with 200 within ${readyTimeoutMs} ms`;
    const tail = logTail(30);
    await stop();
    throw new Error(`The host ${reason}.\n${tail}`);
  }

  const mcpUrl = `${baseUrl}/mcp`;
  const warnings = [];
  const toolsListed = await waitUntil(() => hostListsTools(mcpUrl, toolNames), {
    timeoutMs: readyTimeoutMs,
    intervalMs: 500,
    abortIf: handle.hasExited,
  });
  if (!toolsListed) {
    warnings.push(`the host's tools/list did not include all fixture tools within ${readyTimeoutMs} ms`);
  }
  return { url: mcpUrl, stop, logTail, warnings };
}
