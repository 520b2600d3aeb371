// Scenario 8 — the pinned peer gateways side by side with our host, in the same run, in front of the same
// upstream (@modelcontextprotocol/server-everything, its `echo` tool):
//   HTTP upstream (server-everything streamableHttp): direct, our host, mcp-hub.
//   stdio upstream (server-everything stdio): direct (SDK stdio client), our host (registry-file stdio server),
//   mcp-proxy (--server stream) and supergateway (--outputTransport streamableHttp --stateful).
// Each gateway's figure is taken as a ratio to direct access of the same upstream kind, in the same run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { startHostProcess, writeRegistryFile } from '../lib/host-process.mjs';
import { BENCH_DIR, freePort, spawnUntil } from '../lib/processes.mjs';
import { figure } from '../lib/stats.mjs';
import { measureEndpoint, measureSession, waitForTools } from '../lib/targets.mjs';

const modules = path.join(BENCH_DIR, 'node_modules');
const EVERYTHING = path.join(modules, '@modelcontextprotocol', 'server-everything', 'dist', 'index.js');
const MCP_HUB = path.join(modules, 'mcp-hub', 'dist', 'cli.js');
const MCP_PROXY = path.join(modules, 'mcp-proxy', 'dist', 'bin', 'mcp-proxy.mjs');
const SUPERGATEWAY = path.join(modules, 'supergateway', 'dist', 'index.js');

/**
 * @typedef {object} Target
 * @property {string} name
 * @property {'http' | 'stdio'} kind
 * @property {boolean} direct
 * @property {() => Promise<{ measure: (plan: any) => Promise<import('../lib/targets.mjs').EndpointFigures>, stop: () => Promise<void> }>} start
 */

/** Finds the gateway's name for the upstream's `echo` tool (each peer namespaces differently). */
const echoTool = (/** @type {{ name: string }[]} */ tools) =>
  tools.find((tool) => tool.name === 'echo' || /(^|[._-])echo$/.test(tool.name))?.name;

/**
 * A gateway process serving Streamable HTTP at `url`: waits until it lists `echo`, then measures it there.
 * @param {ReturnType<typeof spawnUntil>} child
 * @param {string} url
 * @param {'streamable-http' | 'sse'} [transport] mcp-hub 4.2.1 serves its /mcp over legacy SSE only
 */
async function httpGateway(child, url, transport = 'streamable-http') {
  try {
    const tools = await Promise.race([
      waitForTools(url, (list) => echoTool(list) !== undefined, 60_000, transport),
      child.ready.then(() => new Promise(() => {})),
    ]);
    const tool = /** @type {string} */ (echoTool(tools));
    return {
      measure: (/** @type {any} */ plan) => measureEndpoint(url, { ...plan, tool }, transport),
      stop: child.stop,
    };
  } catch (error) {
    await child.stop();
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}; output: ${child.output().slice(-400)}`,
    );
  }
}

/** A process that never prints a ready line: `ready` only rejects if it exits. */
const NEVER = /(?!)/;

/** @param {import('../lib/context.mjs').BenchContext} ctx @param {string} httpUpstreamUrl @returns {Target[]} */
function targets(ctx, httpUpstreamUrl) {
  const stdioCommand = [process.execPath, EVERYTHING, 'stdio'];
  const peerHome = mkdtempSync(path.join(ctx.tmpDir, 'peer-home-'));
  const peerEnv = {
    HOME: peerHome,
    XDG_STATE_HOME: path.join(peerHome, 'state'),
    XDG_CONFIG_HOME: path.join(peerHome, 'config'),
    XDG_DATA_HOME: path.join(peerHome, 'data'),
  };
  const host = async (/** @type {object} */ server) => {
    const registryPath = writeRegistryFile(mkdtempSync(path.join(ctx.tmpDir, 'host-')), [server]);
    const running = await startHostProcess({ registryPath });
    const tools = await waitForTools(
      running.url,
      (list) => list.some((tool) => tool.name === 'everything.echo'),
      60_000,
    );
    void tools;
    return {
      measure: (/** @type {any} */ plan) =>
        measureEndpoint(running.url, { ...plan, tool: 'everything.echo' }),
      stop: running.stop,
    };
  };
  return [
    {
      name: 'direct',
      kind: 'http',
      direct: true,
      start: async () => ({
        measure: (plan) => measureEndpoint(httpUpstreamUrl, { ...plan, tool: 'echo' }),
        stop: async () => {},
      }),
    },
    {
      name: 'cortex host',
      kind: 'http',
      direct: false,
      start: () => host({ name: 'everything', transport: 'streamable-http', url: httpUpstreamUrl }),
    },
    {
      name: 'mcp-hub 4.2.1 (SSE)',
      kind: 'http',
      direct: false,
      start: async () => {
        const port = await freePort();
        const config = path.join(peerHome, 'mcp-hub.json');
        writeFileSync(config, JSON.stringify({ mcpServers: { everything: { url: httpUpstreamUrl } } }));
        const child = spawnUntil(process.execPath, [MCP_HUB, '--port', String(port), '--config', config], {
          env: peerEnv,
          ready: NEVER,
          timeoutMs: 3_600_000,
        });
        // mcp-hub 4.2.1's unified endpoint is legacy HTTP+SSE (GET /mcp, POST /messages): no Streamable HTTP.
        return httpGateway(child, `http://127.0.0.1:${port}/mcp`, 'sse');
      },
    },
    {
      name: 'direct',
      kind: 'stdio',
      direct: true,
      start: async () => ({
        measure: async (plan) => {
          const client = new Client({ name: 'cortex-bench', version: '1.0.0' });
          await client.connect(
            new StdioClientTransport({
              command: /** @type {string} */ (stdioCommand[0]),
              args: stdioCommand.slice(1),
              stderr: 'ignore',
            }),
          );
          return measureSession(
            {
              callTool: (name, args) => client.callTool({ name, arguments: args }),
              close: () => client.close(),
            },
            { ...plan, tool: 'echo' },
          );
        },
        stop: async () => {},
      }),
    },
    {
      name: 'cortex host',
      kind: 'stdio',
      direct: false,
      start: () =>
        host({
          name: 'everything',
          transport: 'stdio',
          command: stdioCommand[0],
          args: stdioCommand.slice(1),
        }),
    },
    {
      name: 'mcp-proxy 6.7.19',
      kind: 'stdio',
      direct: false,
      start: async () => {
        const port = await freePort();
        const child = spawnUntil(
          process.execPath,
          [
            MCP_PROXY,
            '--port',
            String(port),
            '--host',
            '127.0.0.1',
            '--server',
            'stream',
            '--',
            ...stdioCommand,
          ],
          { env: peerEnv, ready: NEVER, timeoutMs: 3_600_000 },
        );
        return httpGateway(child, `http://127.0.0.1:${port}/mcp`);
      },
    },
    {
      name: 'supergateway 4.0.0',
      kind: 'stdio',
      direct: false,
      start: async () => {
        const port = await freePort();
        const child = spawnUntil(
          process.execPath,
          [
            SUPERGATEWAY,
            '--stdio',
            stdioCommand.map((part) => JSON.stringify(part)).join(' '),
            '--outputTransport',
            'streamableHttp',
            '--stateful',
            '--port',
            String(port),
            '--logLevel',
            'none',
          ],
          { env: peerEnv, ready: NEVER, timeoutMs: 3_600_000 },
        );
        return httpGateway(child, `http://127.0.0.1:${port}/mcp`);
      },
    },
  ];
}

export default {
  id: '8',
  title: 'peers side by side',
  /** @param {import('../lib/context.mjs').BenchContext} ctx */
  async run(ctx) {
    const plan = {
      concurrency: 32,
      warmupCalls: ctx.smoke ? 10 : 200,
      sequentialCalls: ctx.smoke ? 10 : 500,
      concurrentCalls: ctx.smoke ? 64 : 3000,
      argsFor: (/** @type {number} */ index) => ({ message: `call ${index}` }),
    };
    const upstreamPort = await freePort();
    const upstream = spawnUntil(process.execPath, [EVERYTHING, 'streamableHttp'], {
      env: { PORT: String(upstreamPort) },
      ready: /listening on port/i,
      timeoutMs: 30_000,
    });
    /** @type {Map<string, { target: Target, figures: import('../lib/targets.mjs').EndpointFigures[], error?: string }>} */
    const measured = new Map();
    try {
      await upstream.ready;
      const all = targets(ctx, `http://127.0.0.1:${upstreamPort}/mcp`);
      for (let run = 0; run < ctx.runs; run += 1) {
        for (const target of all) {
          const key = `${target.kind}/${target.name}`;
          const entry = measured.get(key) ?? { target, figures: [] };
          measured.set(key, entry);
          if (entry.error) continue;
          try {
            // Each gateway runs alone: started, measured, stopped (so idle peers take no CPU from the others).
            const running = await target.start();
            try {
              entry.figures.push(await running.measure(plan));
            } finally {
              await running.stop();
            }
            const last = /** @type {import('../lib/targets.mjs').EndpointFigures} */ (entry.figures.at(-1));
            ctx.log(
              `run ${run + 1} ${key}: p50 ${last.sequential.p50.toFixed(2)} ms, c32 ${last.callsPerSecond.toFixed(0)} calls/s`,
            );
          } catch (error) {
            entry.error = error instanceof Error ? error.message : String(error);
            ctx.log(`${key}: not measured: ${entry.error}`);
            if (target.direct || target.name === 'cortex host') throw error;
          }
        }
      }
    } finally {
      await upstream.stop();
    }
    return rowsFrom(ctx, measured);
  },
};

/**
 * @param {import('../lib/context.mjs').BenchContext} ctx
 * @param {Map<string, { target: Target, figures: import('../lib/targets.mjs').EndpointFigures[], error?: string }>} measured
 */
function rowsFrom(ctx, measured) {
  const rows = [];
  for (const kind of /** @type {const} */ (['http', 'stdio'])) {
    const entries = [...measured.values()].filter((entry) => entry.target.kind === kind);
    const direct = entries.find((entry) => entry.target.direct);
    if (!direct) continue;
    const directRate = figure(
      direct.figures.map((figures) => figures.callsPerSecond),
      'calls/s',
    );
    const directP50 = figure(
      direct.figures.map((figures) => figures.sequential.p50),
      'ms',
    );
    const expected = direct.figures[0]?.sampleResult;
    /** @type {{ name: string, rateRatio: number, p50Ratio: number }[]} */
    const ratios = [];
    for (const entry of entries) {
      if (entry.target.direct) continue;
      const label = `${kind} upstream: ${entry.target.name}`;
      if (entry.error || entry.figures.length === 0) {
        rows.push({
          scenario: '8 peers',
          metric: label,
          baseline: directRate,
          ours: null,
          ratio: null,
          target: '',
          met: null,
          note: `not measured: ${(entry.error ?? 'no figures').slice(0, 160)}`,
        });
        continue;
      }
      const sample = entry.figures[0]?.sampleResult;
      const sameContent = isDeepStrictEqual(
        /** @type {any} */ (sample)?.content,
        /** @type {any} */ (expected)?.content,
      );
      if (entry.target.name === 'cortex host') {
        ctx.check(
          sameContent,
          `${label}: result ${JSON.stringify(sample)} differs from direct ${JSON.stringify(expected)}`,
        );
      }
      const rate = figure(
        entry.figures.map((figures) => figures.callsPerSecond),
        'calls/s',
      );
      const p50 = figure(
        entry.figures.map((figures) => figures.sequential.p50),
        'ms',
      );
      const rateRatio = rate.median / directRate.median;
      const p50Ratio = p50.median / directP50.median;
      ratios.push({ name: entry.target.name, rateRatio, p50Ratio });
      rows.push(
        {
          scenario: '8 peers',
          metric: `${label}: throughput at c32 (baseline = direct ${kind})${sameContent ? '' : ' [result differs from direct]'}`,
          baseline: directRate,
          ours: rate,
          ratio: rateRatio,
          target: entry.target.name === 'cortex host' ? 'beats every peer' : '',
          met: null,
        },
        {
          scenario: '8 peers',
          metric: `${label}: sequential p50 (baseline = direct ${kind})`,
          baseline: directP50,
          ours: p50,
          ratio: p50Ratio,
          target: entry.target.name === 'cortex host' ? 'beats every peer' : '',
          met: null,
        },
      );
    }
    const ours = ratios.find((entry) => entry.name === 'cortex host');
    const peers = ratios.filter((entry) => entry.name !== 'cortex host');
    if (ours && peers.length > 0 && !ctx.smoke) {
      for (const row of rows) {
        if (!row.metric.startsWith(`${kind} upstream: cortex host`)) continue;
        row.met = row.metric.includes('throughput')
          ? peers.every((peer) => ours.rateRatio > peer.rateRatio)
          : peers.every((peer) => ours.p50Ratio < peer.p50Ratio);
      }
    }
  }
  return rows;
}
