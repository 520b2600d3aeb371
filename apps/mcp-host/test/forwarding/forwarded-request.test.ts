import { ConnectorProxyError } from '@cortex-mcp/connector-proxy';
import { type CallToolResult, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { ConnectorManagerError } from '../../src/errors.js';
import {
  answerHandlerCall,
  classifyForwardingFailure,
  type ForwardedRequestSettlement,
  forwardToolCall,
  startForwardedRequest,
} from '../../src/forwarding/index.js';
import { HostMetrics } from '../../src/metrics.js';

const FAIL_RESULT: CallToolResult = { content: [{ type: 'text', text: 'it failed' }], isError: true };

function forwardTo(metrics: HostMetrics, call: () => Promise<CallToolResult>) {
  const settled: ForwardedRequestSettlement[] = [];
  const request = startForwardedRequest(metrics, () => performance.now(), 'local');
  const answer = forwardToolCall(request, 'echo', call, (settlement) => settled.push(settlement));
  return { answer, settled };
}

describe('a forwarded tool call', () => {
  it('records the duration and errors of every call by connector', async () => {
    const metrics = new HostMetrics({ defaultMetrics: false });
    await forwardTo(metrics, async () => ({ content: [{ type: 'text', text: 'a' }] })).answer;
    expect(await forwardTo(metrics, async () => FAIL_RESULT).answer).toEqual(FAIL_RESULT);
    const thrown = await forwardTo(metrics, async () => {
      throw new Error('socket hang up');
    }).answer.catch((caught) => caught);
    expect(thrown).toBeInstanceOf(Error);
    const { body } = await metrics.render();
    expect(body).toContain('mcp_tool_call_duration_seconds_count{connector="local"} 3');
    expect(body).toContain('mcp_tool_call_errors_total{connector="local",kind="upstream_error"} 1');
    expect(body).toContain('mcp_tool_call_errors_total{connector="local",kind="protocol"} 1');
  });

  it('answers an unavailable connector and a timeout with isError results naming the connector', async () => {
    const metrics = new HostMetrics({ defaultMetrics: false });
    const down = forwardTo(metrics, async () => {
      throw new ConnectorManagerError('unavailable', 'not connected within 50 ms', { connectorId: 'local' });
    });
    expect(await down.answer).toEqual({
      content: [
        {
          type: 'text',
          text: 'Connector "local" is unavailable: not connected within 50 ms. The host keeps reconnecting; try again later.',
        },
      ],
      isError: true,
    });
    expect(down.settled).toEqual([{ errorKind: 'unavailable', durationMs: expect.any(Number) }]);
    const slow = forwardTo(metrics, async () => {
      throw new ConnectorProxyError('call_timeout', 'local', 'too slow');
    });
    expect(await slow.answer).toMatchObject({ isError: true });
    expect(slow.settled[0]?.errorKind).toBe('timeout');
    const { body } = await metrics.render();
    expect(body).toContain('mcp_tool_call_errors_total{connector="local",kind="unavailable"} 1');
    expect(body).toContain('mcp_tool_call_errors_total{connector="local",kind="timeout"} 1');
  });

  it('rethrows a cancellation and an upstream JSON-RPC error for the router to answer', async () => {
    const metrics = new HostMetrics({ defaultMetrics: false });
    const aborted = new ConnectorProxyError('aborted', 'local', 'cancelled');
    const upstream = new ConnectorProxyError('protocol', 'local', 'failed upstream: -32602');
    await expect(forwardTo(metrics, () => Promise.reject(aborted)).answer).rejects.toBe(aborted);
    await expect(forwardTo(metrics, () => Promise.reject(upstream)).answer).rejects.toBe(upstream);
    const { body } = await metrics.render();
    expect(body).toContain('mcp_tool_call_errors_total{connector="local",kind="aborted"} 1');
    expect(body).toContain('mcp_tool_call_errors_total{connector="local",kind="protocol"} 1');
  });

  it('counts a refused request without timing it', async () => {
    const metrics = new HostMetrics({ defaultMetrics: false });
    startForwardedRequest(metrics, () => 0, 'local').refuse('circuit_open');
    const { body } = await metrics.render();
    expect(body).toContain('mcp_tool_call_errors_total{connector="local",kind="circuit_open"} 1');
    expect(body).not.toContain('mcp_tool_call_duration_seconds_count{connector="local"}');
  });

  it('classifies connector and proxy failures into one vocabulary', () => {
    expect(classifyForwardingFailure(new ConnectorProxyError('unauthorized', 'a', 'no'))).toBe('unavailable');
    expect(classifyForwardingFailure(new ConnectorProxyError('connect_timeout', 'a', 'no'))).toBe(
      'unavailable',
    );
    expect(classifyForwardingFailure(new ConnectorManagerError('closed', 'gone'))).toBe('protocol');
    expect(classifyForwardingFailure(new Error('boom'))).toBe('protocol');
  });
});

describe('the answer to a handler', () => {
  const tool = { name: 'local.x', metadata: { connectorId: 'local' } };
  const logged: unknown[] = [];
  const context = {
    signal: new AbortController().signal,
    logger: { warn: (obj: object) => logged.push(obj) },
  };

  it('keeps an McpError a JSON-RPC error', async () => {
    const error = new McpError(ErrorCode.InvalidParams, 'bad');
    await expect(answerHandlerCall(tool, () => Promise.reject(error), context)).rejects.toBe(error);
  });

  it('turns a synchronous throw and a missing result into isError results naming tool and connector', async () => {
    const thrown = await answerHandlerCall(
      tool,
      () => {
        throw new Error('boom');
      },
      context,
    );
    expect(thrown).toEqual({
      content: [{ type: 'text', text: 'Tool "local.x" (connector "local") failed: boom' }],
      isError: true,
    });
    expect(logged).toHaveLength(1);
    const empty = await answerHandlerCall(tool, async () => undefined, context);
    expect(empty.content).toEqual([
      {
        type: 'text',
        text: 'Tool "local.x" (connector "local") failed: its handler returned no result object',
      },
    ]);
  });
});
