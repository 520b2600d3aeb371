// The real host CLI (`node apps/mcp-host/dist/cli.js serve`) as a child process, configured by flags and a
// registry file, on an ephemeral port read from its first stdout line.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HOST_CLI, spawnUntil } from './processes.mjs';

/**
 * Writes a registry file (servers.json) for these servers and returns its path.
 * @param {string} dir
 * @param {readonly object[]} servers registry-fs-store ServerInfo inputs
 */
export function writeRegistryFile(dir, servers) {
  const registryPath = path.join(dir, 'servers.json');
  writeFileSync(registryPath, `${JSON.stringify({ version: 1, servers }, null, 2)}\n`, { mode: 0o600 });
  return registryPath;
}

/**
 * Starts `mcp-host serve` and resolves when its MCP endpoint is listening.
 * @param {{ registryPath?: string, stateDir?: string, serviceMapUrl?: string, signatureKey?: string,
 *   extraArgs?: string[], nodeArgs?: string[], env?: Record<string, string>, timeoutMs?: number }} options
 */
export async function startHostProcess(options) {
  const stateDir = options.stateDir ?? mkdtempSync(path.join(os.tmpdir(), 'cortex-bench-host-'));
  // BENCH_HOST_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") reaches every host process: for profiling.
  const nodeArgs = options.nodeArgs ?? process.env.BENCH_HOST_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const args = [
    ...nodeArgs,
    HOST_CLI,
    'serve',
    '--port',
    '0',
    '--state-dir',
    stateDir,
    '--log-level',
    'warn',
    ...(options.registryPath ? ['--registry-path', options.registryPath] : []),
    ...(options.serviceMapUrl ? ['--service-map-url', options.serviceMapUrl] : []),
    ...(options.extraArgs ?? []),
  ];
  /** @type {Record<string, string | undefined>} */
  const env = {
    CONNECTORS_SERVICE_MAP_URL: undefined,
    CONNECTORS_SIGNATURE_KEY: options.signatureKey,
    CONNECTORS_SIGNATURE_KEYS: undefined,
    CONNECTORS_API_KEY: undefined,
    MCP_HOST_CONFIG: undefined,
    ...options.env,
  };
  const startedAt = performance.now();
  const process_ = spawnUntil(process.execPath, args, {
    env,
    ready: /MCP endpoint (http:\/\/\S+)/,
    timeoutMs: options.timeoutMs ?? 30_000,
  });
  const { match, atMs } = await process_.ready;
  return {
    url: /** @type {string} */ (match[1]),
    pid: process_.child.pid,
    stateDir,
    startedAt,
    listeningAfterMs: atMs,
    child: process_.child,
    output: process_.output,
    stop: process_.stop,
  };
}
