// Issue 16, "Abandoned calls", on the manager's side: a request whose client cancels it (a notifications/cancelled,
// or a client that went away, which the MCP surface turns into the same aborted signal) is cancelled upstream at
// once, counts as cancelled in `/status` and as `kind="aborted"` in the metrics, and never counts against the
// circuit. Real demo upstream, real manager; the downstream surface is left out (test/e2e covers it).
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DEMO_URIS } from '../../src/demo/demo-catalogue.js';
import { entry, mapOf, metricValue, TestBed } from './fixtures.js';

let bed: TestBed;
beforeEach(async () => {
  bed = await new TestBed().start();
});
afterEach(() => bed.close());

/** Polls `condition` every 5 ms for up to 5 s. */
async function until(what: string, condition: () => boolean): Promise<void> {
  for (let waitedMs = 0; !condition(); waitedMs += 5) {
    if (waitedMs > 5_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

it('cancels upstream, counts as cancelled and leaves the circuit closed, however many calls are cancelled', async () => {
  const alpha = await bed.demo('alpha');
  bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl)]));
  const threshold = 3;
  const { manager, registry, metrics } = bed.manager({
    stateDir: await bed.tempDir(),
    circuitFailureThreshold: threshold,
  });
  await manager.start();
  const wait = registry.getTool('alpha.wait');

  for (let call = 1; call <= threshold * 2; call += 1) {
    const abort = new AbortController();
    const running = wait?.handler({ ms: 60_000 }, { signal: abort.signal }).catch((error: unknown) => error);
    await until(
      'the upstream call',
      () => alpha.observations.calls.filter((c) => c.tool === 'wait').length === call,
    );
    abort.abort(new Error('the client went away'));
    expect(await running).toMatchObject({ code: 'aborted' });
    await until('the upstream cancellation', () => alpha.observations.cancelled.length === call);
  }

  const [status] = manager.status().connectors;
  expect(status?.circuit?.state).toBe('closed');
  expect(status?.circuit?.consecutiveFailures).toBe(0);
  expect(status?.calls).toMatchObject({ count: threshold * 2, errors: 0, cancelled: threshold * 2 });
  expect(
    await metricValue(metrics, 'mcp_tool_call_errors_total', { connector: 'alpha', kind: 'aborted' }),
  ).toBe(threshold * 2);
  expect(
    await metricValue(metrics, 'mcp_tool_call_errors_total', { connector: 'alpha', kind: 'timeout' }),
  ).toBeUndefined();
  expect(await registry.getTool('alpha.echo')?.handler({ text: 'still here' }, {})).toMatchObject({
    content: [{ type: 'text', text: 'alpha: still here' }],
  });
});

it('counts a cancelled resources/read, prompts/get or completion as cancelled too (they share the path)', async () => {
  const alpha = await bed.demo('alpha');
  bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl)]));
  const { manager, metrics } = bed.manager({ stateDir: await bed.tempDir(), circuitFailureThreshold: 1 });
  await manager.start();
  const cancelled = () => {
    const abort = new AbortController();
    abort.abort(new Error('the client went away'));
    return { signal: abort.signal };
  };

  const failures = await Promise.all([
    manager.upstream.readResource('alpha', DEMO_URIS.readme, cancelled()).catch((error: unknown) => error),
    manager.upstream.getPrompt('alpha', 'summarize', {}, cancelled()).catch((error: unknown) => error),
    manager.upstream
      .complete(
        'alpha',
        { ref: { type: 'ref/prompt', name: 'summarize' }, argument: { name: 'topic', value: 'a' } },
        cancelled(),
      )
      .catch((error: unknown) => error),
  ]);
  for (const failure of failures) expect(failure).toMatchObject({ code: 'aborted' });

  const [status] = manager.status().connectors;
  // A threshold of 1: a single failure among them would have opened it.
  expect(status?.circuit?.state).toBe('closed');
  expect(status?.calls).toMatchObject({ count: 3, errors: 0, cancelled: 3 });
  for (const method of ['resources/read', 'prompts/get', 'completion/complete']) {
    expect(
      await metricValue(metrics, 'mcp_upstream_request_errors_total', {
        connector: 'alpha',
        method,
        kind: 'aborted',
      }),
    ).toBe(1);
  }
});
