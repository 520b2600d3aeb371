// Measuring one MCP endpoint: warm-up, sequential latency percentiles and throughput at a concurrency.
import { openMcpSession, openSseSession, runLoad } from './mcp-client.mjs';
import { summarize } from './stats.mjs';

/**
 * Polls `tools/list` at `url` until `predicate(tools)` holds, retrying while the endpoint is not up yet (bounded by
 * `timeoutMs`). Resolves with the tools.
 * @param {string} url
 * @param {(tools: { name: string }[]) => boolean} predicate
 * @param {number} [timeoutMs]
 * @param {'streamable-http' | 'sse'} [transport]
 * @param {Record<string, string>} [headers] sent with every request (a credential)
 */
export async function waitForTools(
  url,
  predicate,
  timeoutMs = 30_000,
  transport = 'streamable-http',
  headers = {},
) {
  const deadline = performance.now() + timeoutMs;
  let lastError = 'no answer';
  for (let attempt = 0; performance.now() < deadline; attempt += 1) {
    try {
      const session = await (transport === 'sse' ? openSseSession : openMcpSession)(url, {
        connections: 1,
        headers,
      });
      try {
        const tools = await session.listTools();
        if (predicate(tools)) return tools;
        lastError = `${tools.length} tools listed`;
      } finally {
        await session.close();
      }
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(200, 10 * (attempt + 1))));
  }
  throw new Error(`tools did not appear at ${url} within ${timeoutMs} ms (${lastError})`);
}

/**
 * @typedef {object} EndpointFigures
 * @property {import('./stats.mjs').Summary} sequential per-call latency, one call at a time (ms)
 * @property {number} callsPerSecond at `concurrency`
 * @property {import('./stats.mjs').Summary} concurrent per-call latency under load (ms)
 * @property {unknown} sampleResult
 */

/**
 * @param {string} url
 * @param {{ tool: string, sequentialCalls: number, concurrentCalls: number, concurrency: number, warmupCalls: number,
 *   argsFor?: (index: number) => Record<string, unknown>,
 *   request?: { method: string, params: (index: number) => unknown } }} plan
 *   `request`: measure this request instead of a `tools/call` of `tool`
 * @param {'streamable-http' | 'sse'} [transport]
 * @returns {Promise<EndpointFigures>}
 */
export async function measureEndpoint(url, plan, transport = 'streamable-http') {
  const open = transport === 'sse' ? openSseSession : openMcpSession;
  return measureSession(await open(url, { connections: plan.concurrency }), plan);
}

/**
 * The same plan over any session-like object with `callTool(name, args)` and `close()` (e.g. the SDK's stdio client).
 * @param {{ callTool(name: string, args: Record<string, unknown>): Promise<unknown>, close(): Promise<void> }} session
 * @param {Parameters<typeof measureEndpoint>[1]} plan
 * @returns {Promise<EndpointFigures>}
 */
export async function measureSession(session, plan) {
  try {
    const argsFor = plan.argsFor ?? ((/** @type {number} */ index) => ({ text: `call ${index}` }));
    const { request } = plan;
    const call = request
      ? (/** @type {number} */ index) =>
          /** @type {{ request(method: string, params: unknown): Promise<unknown> }} */ (
            /** @type {unknown} */ (session)
          ).request(request.method, request.params(index))
      : (/** @type {number} */ index) => session.callTool(plan.tool, argsFor(index));
    await runLoad(call, { total: plan.warmupCalls, concurrency: Math.min(8, plan.concurrency) });
    const sampleResult = await call(-1);
    const sequential = await runLoad(call, { total: plan.sequentialCalls, concurrency: 1 });
    const concurrent = await runLoad(call, { total: plan.concurrentCalls, concurrency: plan.concurrency });
    return {
      sequential: summarize(sequential.latenciesMs),
      callsPerSecond: concurrent.callsPerSecond,
      concurrent: summarize(concurrent.latenciesMs),
      sampleResult,
    };
  } finally {
    await session.close();
  }
}
