// Scenario 9 — start-up: from spawning `mcp-host serve` to the first `tools/list` that lists every connector's
// tools. Cold: empty state dir, so every connector must connect (each upstream answers `initialize` after a delay).
// Warm: the state dir of the previous (cleanly stopped) run, so the persisted catalogue is served at once.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { repeat } from '../lib/context.mjs';
import { startHostProcess, writeRegistryFile } from '../lib/host-process.mjs';
import { openMcpSession } from '../lib/mcp-client.mjs';
import { figure } from '../lib/stats.mjs';
import { startUpstreamFarm } from '../lib/upstream.mjs';

/**
 * Spawns the host and polls tools/list every 2 ms until `expected` tools are listed; returns the ms from spawn to
 * that listing, and to the "MCP endpoint" line (HTTP server listening).
 * @param {{ registryPath: string, stateDir: string, expected: number }} options
 */
async function timeToFullListing(options) {
  const host = await startHostProcess({ registryPath: options.registryPath, stateDir: options.stateDir });
  try {
    const deadline = performance.now() + 30_000;
    const session = await openMcpSession(host.url, { connections: 1 });
    try {
      while (performance.now() < deadline) {
        const tools = await session.listTools();
        if (tools.length >= options.expected) {
          return { fullListingMs: performance.now() - host.startedAt, listeningMs: host.listeningAfterMs };
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    } finally {
      await session.close();
    }
    throw new Error(`the host did not list ${options.expected} tools within 30 s`);
  } finally {
    await host.stop();
  }
}

export default {
  id: '9',
  title: 'start-up to a full tools/list',
  /** @param {import('../lib/context.mjs').BenchContext} ctx */
  async run(ctx) {
    const connectorCount = 10;
    const toolsPerConnector = 20;
    const initializeDelayMs = ctx.smoke ? 20 : 500;
    const farm = await startUpstreamFarm({ connectorCount, toolsPerConnector, initializeDelayMs });
    try {
      const registryPath = writeRegistryFile(
        ctx.tmpDir,
        Array.from({ length: connectorCount }, (_, index) => ({
          name: farm.connectorId(index),
          transport: 'streamable-http',
          url: farm.connectorUrl(index),
        })),
      );
      const expected = connectorCount * toolsPerConnector;
      const cold = [];
      const warm = [];
      const warmListening = [];
      const nodeFloor = [];
      await repeat(ctx.runs, async (index) => {
        const stateDir = mkdtempSync(path.join(ctx.tmpDir, 'state-'));
        const before = farm.stats.initializations;
        cold.push((await timeToFullListing({ registryPath, stateDir, expected })).fullListingMs);
        ctx.check(
          farm.stats.initializations - before === connectorCount,
          'a cold start did not connect every connector',
        );
        const warmRun = await timeToFullListing({ registryPath, stateDir, expected });
        warm.push(warmRun.fullListingMs);
        warmListening.push(warmRun.listeningMs);
        const startedAt = performance.now();
        execFileSync(process.execPath, ['-e', '0']);
        nodeFloor.push(performance.now() - startedAt);
        ctx.log(
          `run ${index + 1}: cold ${cold.at(-1)?.toFixed(0)} ms, warm ${warm.at(-1)?.toFixed(0)} ms, bare node ${nodeFloor.at(-1)?.toFixed(0)} ms`,
        );
      });
      const warmFigure = figure(warm, 'ms');
      return [
        {
          scenario: '9 start-up',
          metric: `spawn → full tools/list (${expected} tools, ${connectorCount} connectors × ${initializeDelayMs} ms connect); baseline = cold`,
          baseline: figure(cold, 'ms'),
          ours: warmFigure,
          ratio: warmFigure.median / figure(cold, 'ms').median,
          target: 'warm ≤ 200 ms',
          met: ctx.smoke ? null : warmFigure.median <= 200,
        },
        {
          scenario: '9 start-up',
          metric: 'warm: spawn → "MCP endpoint" line (HTTP listening)',
          baseline: null,
          ours: figure(warmListening, 'ms'),
          ratio: null,
          target: '',
          met: null,
        },
        {
          scenario: '9 start-up',
          metric: 'floor: spawn → exit of a bare `node -e 0`',
          baseline: null,
          ours: figure(nodeFloor, 'ms'),
          ratio: null,
          target: '',
          met: null,
        },
      ];
    } finally {
      await farm.close();
    }
  },
};
