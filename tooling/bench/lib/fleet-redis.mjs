// A real redis-server for the fleet scenario, on a free loopback port with no persistence. When the binary is
// missing it is installed through tooling/test-servers' debian-packages.mjs (Debian's redis-server package, as root
// with apt-get); otherwise the scenario fails with what to install.
import { ensureBinary, TEST_SERVERS } from '@cortex-mcp/test-servers/debian-packages';
import { redisServerArgs } from '@cortex-mcp/test-servers/redis-args';
import { freePort, spawnUntil } from './processes.mjs';

const START_ATTEMPTS = 3;

/**
 * The path of redis-server, installing Debian's package first when it is missing and this process is root.
 * @returns {Promise<string>}
 */
export function ensureRedisBinary() {
  return ensureBinary(
    TEST_SERVERS.redis,
    'Install it (Debian/Ubuntu: `apt-get install -y redis-server`; macOS: `brew install redis`) and run the bench again.',
  );
}

/**
 * Starts redis-server on a free 127.0.0.1 port (a new port when another process takes the probed one first).
 */
export async function startRedis() {
  const binary = await ensureRedisBinary();
  let lastError;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt += 1) {
    const port = await freePort();
    const process_ = spawnUntil(binary, redisServerArgs(port), {
      ready: /Ready to accept connections/,
      timeoutMs: 10_000,
    });
    try {
      await process_.ready;
      return { url: `redis://127.0.0.1:${port}`, stop: process_.stop };
    } catch (error) {
      lastError = error;
      await process_.stop();
    }
  }
  throw lastError;
}
