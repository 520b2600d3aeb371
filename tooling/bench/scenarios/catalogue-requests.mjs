// Scenario 11 — a resources/read, a prompts/get and a tool call whose upstream logs once about it (the log relayed to
// the calling client on the call's own stream), each through the host against the same request made directly to the
// upstream: the rows beside the tool call's (scenario 6), with the same set-up (upstream in its own process, the host
// a real `mcp-host serve` process, Streamable HTTP on both sides). Sequential p50 and throughput at concurrency 32.

import { isDeepStrictEqual } from 'node:util';
import { figure } from '../lib/stats.mjs';
import { measureEndpoint } from '../lib/targets.mjs';
import { FARM_PROMPT, FARM_RESOURCE_URI } from '../lib/upstream.mjs';
import { hostAndDirect } from './tool-call.mjs';

/** The two requests, as a client sends them directly and through the host (connector `up`, prefixed names). */
const REQUESTS = [
  {
    label: 'resources/read',
    method: 'resources/read',
    direct: () => ({ uri: FARM_RESOURCE_URI }),
    host: () => ({ uri: `up+${FARM_RESOURCE_URI}` }),
    /** The host answers under the URI asked for: compare what was read. */
    comparable: (/** @type {any} */ result) => result?.contents?.map((/** @type {any} */ item) => item.text),
  },
  {
    label: 'prompts/get',
    method: 'prompts/get',
    direct: (/** @type {number} */ index) => ({ name: FARM_PROMPT, arguments: { who: `caller ${index}` } }),
    host: (/** @type {number} */ index) => ({
      name: `up.${FARM_PROMPT}`,
      arguments: { who: `caller ${index}` },
    }),
    comparable: (/** @type {unknown} */ result) => result,
  },
  {
    label: 'tools/call + log',
    method: 'tools/call',
    direct: (/** @type {number} */ index) => ({
      name: 'echo',
      arguments: { text: `call ${index}`, log: true },
    }),
    host: (/** @type {number} */ index) => ({
      name: 'up.echo',
      arguments: { text: `call ${index}`, log: true },
    }),
    comparable: (/** @type {unknown} */ result) => result,
  },
];

export default {
  id: '11',
  title: 'resources/read, prompts/get and a tool call that logs, through the host vs direct',
  /** @param {import('../lib/context.mjs').BenchContext} ctx */
  async run(ctx) {
    const pair = await hostAndDirect(ctx, { callDelayMs: 0 });
    const rows = [];
    try {
      for (const request of REQUESTS) {
        const plan = {
          tool: '',
          concurrency: 32,
          warmupCalls: ctx.smoke ? 20 : 500,
          sequentialCalls: ctx.smoke ? 20 : 1000,
          concurrentCalls: ctx.smoke ? 64 : 4000,
        };
        /** @type {import('../lib/targets.mjs').EndpointFigures[]} */
        const direct = [];
        /** @type {import('../lib/targets.mjs').EndpointFigures[]} */
        const host = [];
        for (let index = 0; index < ctx.runs; index += 1) {
          direct.push(
            await measureEndpoint(pair.directUrl, {
              ...plan,
              request: { method: request.method, params: request.direct },
            }),
          );
          host.push(
            await measureEndpoint(pair.hostUrl, {
              ...plan,
              request: { method: request.method, params: request.host },
            }),
          );
          const [viaHost, viaDirect] = [host.at(-1)?.sampleResult, direct.at(-1)?.sampleResult];
          ctx.check(
            isDeepStrictEqual(request.comparable(viaHost), request.comparable(viaDirect)),
            `${request.label} through the host answered ${JSON.stringify(viaHost)}, directly ${JSON.stringify(viaDirect)}`,
          );
        }
        rows.push(...requestRows(ctx, request.label, direct, host));
      }
    } finally {
      await pair.host.stop();
      await pair.upstream.stop();
    }
    return rows;
  },
};

/**
 * The p50 and throughput rows of one request kind, in the tool call's shape.
 * @param {import('../lib/context.mjs').BenchContext} ctx
 * @param {string} label
 * @param {import('../lib/targets.mjs').EndpointFigures[]} direct
 * @param {import('../lib/targets.mjs').EndpointFigures[]} host
 */
function requestRows(ctx, label, direct, host) {
  const added = figure(
    host.map((entry, index) => entry.sequential.p50 - (direct[index]?.sequential.p50 ?? Number.NaN)),
    'ms',
  );
  const baseline = figure(
    direct.map((entry) => entry.sequential.p50),
    'ms',
  );
  const ours = figure(
    host.map((entry) => entry.sequential.p50),
    'ms',
  );
  const rateRatio = figure(
    host.map((entry, index) => entry.callsPerSecond / (direct[index]?.callsPerSecond ?? Number.NaN)),
    '',
  );
  return [
    {
      scenario: `11 ${label}`,
      metric: `sequential p50 latency (baseline = direct); added ${added.median.toFixed(3)} ms (${added.min.toFixed(3)}–${added.max.toFixed(3)})`,
      baseline,
      ours,
      ratio: ours.median / baseline.median,
      target: 'added p50 ≤ 0.5 ms',
      met: ctx.smoke ? null : added.median <= 0.5,
    },
    {
      scenario: `11 ${label}`,
      metric: `throughput at concurrency 32 (baseline = direct); per-run ratio ${rateRatio.min.toFixed(2)}–${rateRatio.max.toFixed(2)}`,
      baseline: figure(
        direct.map((entry) => entry.callsPerSecond),
        'calls/s',
      ),
      ours: figure(
        host.map((entry) => entry.callsPerSecond),
        'calls/s',
      ),
      ratio: rateRatio.median,
      target: 'ratio ≥ 0.7',
      met: ctx.smoke ? null : rateRatio.median >= 0.7,
    },
  ];
}
