// Scenario 12 — what the door costs: the same tool call through two real `mcp-host serve` processes in front of the
// same upstream, one with `auth none` and one with `auth api-keys` (a key sent as `Authorization: Bearer` on every
// request), measured alternately in one run. Sequential p50 (added ms) and throughput at concurrency 32.

import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { startHostProcess, writeRegistryFile } from '../lib/host-process.mjs';
import { openMcpSession } from '../lib/mcp-client.mjs';
import { BENCH_DIR, forkWorker } from '../lib/processes.mjs';
import { figure } from '../lib/stats.mjs';
import { measureEndpoint, measureSession, waitForTools } from '../lib/targets.mjs';

const UPSTREAM = path.join(BENCH_DIR, 'lib', 'upstream-process.mjs');

/**
 * A keys file holding one key (its hash only, as `mcp-host keys add` writes it); resolves with its path and the key.
 * @param {string} dir
 */
function keysFile(dir) {
  const key = `cmcp_${randomBytes(32).toString('base64url')}`;
  const hash = `sha256:${createHash('sha256').update(key).digest('hex')}`;
  const file = path.join(dir, 'keys.json');
  const keys = [{ name: 'bench', hash, scopes: [], createdAt: new Date().toISOString() }];
  writeFileSync(file, `${JSON.stringify({ version: 1, keys }, null, 2)}\n`, { mode: 0o600 });
  return { file, key };
}

export default {
  id: '12',
  title: 'the door: a tool call with auth api-keys vs auth none',
  /** @param {import('../lib/context.mjs').BenchContext} ctx */
  async run(ctx) {
    const upstream = forkWorker(UPSTREAM);
    /** @type {Awaited<ReturnType<typeof startHostProcess>>[]} */
    const hosts = [];
    try {
      const { urls } = await upstream.request({
        cmd: 'start',
        options: { connectorCount: 1, toolsPerConnector: 3, callDelayMs: 0 },
      });
      const registryPath = writeRegistryFile(ctx.tmpDir, [
        { name: 'up', transport: 'streamable-http', url: /** @type {string} */ (urls[0]) },
      ]);
      const { file, key } = keysFile(ctx.tmpDir);
      const headers = { authorization: `Bearer ${key}` };
      const [open, guarded] = await Promise.all([
        startHostProcess({ registryPath }),
        startHostProcess({ registryPath, extraArgs: ['--auth', 'api-keys', '--keys-path', file] }),
      ]);
      hosts.push(open, guarded);
      const hasEcho = (/** @type {{ name: string }[]} */ tools) =>
        tools.some((tool) => tool.name === 'up.echo');
      await waitForTools(open.url, hasEcho);
      await waitForTools(guarded.url, hasEcho, 30_000, 'streamable-http', headers);
      const plan = {
        tool: 'up.echo',
        concurrency: 32,
        warmupCalls: ctx.smoke ? 20 : 500,
        sequentialCalls: ctx.smoke ? 20 : 1000,
        concurrentCalls: ctx.smoke ? 64 : 4000,
      };
      /** @type {import('../lib/targets.mjs').EndpointFigures[]} */
      const none = [];
      /** @type {import('../lib/targets.mjs').EndpointFigures[]} */
      const keys = [];
      for (let index = 0; index < ctx.runs; index += 1) {
        none.push(await measureEndpoint(open.url, plan));
        keys.push(
          await measureSession(await openMcpSession(guarded.url, { connections: 32, headers }), plan),
        );
        ctx.check(
          isDeepStrictEqual(keys.at(-1)?.sampleResult, none.at(-1)?.sampleResult),
          `with a key the call answered ${JSON.stringify(keys.at(-1)?.sampleResult)}, without ${JSON.stringify(none.at(-1)?.sampleResult)}`,
        );
      }
      const added = figure(
        keys.map((entry, index) => entry.sequential.p50 - (none[index]?.sequential.p50 ?? Number.NaN)),
        'ms',
      );
      const rate = figure(
        keys.map((entry, index) => entry.callsPerSecond / (none[index]?.callsPerSecond ?? Number.NaN)),
        '',
      );
      const p50 = (/** @type {typeof none} */ list) =>
        figure(
          list.map((entry) => entry.sequential.p50),
          'ms',
        );
      const ours = p50(keys);
      const baseline = p50(none);
      return [
        {
          scenario: '12 door',
          metric: `tool call, sequential p50 (baseline = auth none); added ${added.median.toFixed(3)} ms (${added.min.toFixed(3)}–${added.max.toFixed(3)})`,
          baseline,
          ours,
          ratio: ours.median / baseline.median,
          target: 'added p50 ≤ 0.05 ms',
          met: ctx.smoke ? null : added.median <= 0.05,
        },
        {
          scenario: '12 door',
          metric: `tool call, throughput at concurrency 32 (baseline = auth none); per-run ratio ${rate.min.toFixed(2)}–${rate.max.toFixed(2)}`,
          baseline: figure(
            none.map((entry) => entry.callsPerSecond),
            'calls/s',
          ),
          ours: figure(
            keys.map((entry) => entry.callsPerSecond),
            'calls/s',
          ),
          ratio: rate.median,
          target: 'ratio ≥ 0.97',
          met: ctx.smoke ? null : rate.median >= 0.97,
        },
      ];
    } finally {
      await Promise.all(hosts.map((host) => host.stop()));
      await upstream.stop();
    }
  },
};
