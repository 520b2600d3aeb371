import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitState } from '../../src/manager/circuit-breaker.js';
import { entry, firstText, mapOf, metricValue, TestBed } from './fixtures.js';

describe('CircuitBreaker', () => {
  const make = (failureThreshold = 3, openDurationMs = 1_000) => {
    let now = 0;
    const changes: CircuitState[] = [];
    const breaker = new CircuitBreaker({
      failureThreshold,
      openDurationMs,
      clock: () => now,
      onChange: (state) => changes.push(state),
    });
    return { breaker, changes, advance: (ms: number) => (now += ms) };
  };

  it('opens after the threshold of consecutive failures and refuses calls until the open period ends', () => {
    const { breaker, changes, advance } = make(3, 1_000);
    for (let call = 0; call < 3; call += 1) {
      expect(breaker.tryAcquire()).toBe(true);
      breaker.recordFailure();
    }
    expect(changes).toEqual(['open']);
    expect(breaker.snapshot()).toEqual({ state: 'open', consecutiveFailures: 3, probeAtMs: 1_000 });
    expect(breaker.tryAcquire()).toBe(false);
    advance(999);
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('lets exactly one probe through when half-open; its success closes the circuit', () => {
    const { breaker, changes, advance } = make(1, 100);
    breaker.tryAcquire();
    breaker.recordFailure();
    advance(100);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.recordSuccess();
    expect(changes).toEqual(['open', 'half-open', 'closed']);
    expect(breaker.snapshot()).toEqual({ state: 'closed', consecutiveFailures: 0, probeAtMs: null });
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('opens again when the probe fails, for another full period', () => {
    const { breaker, advance } = make(1, 100);
    breaker.tryAcquire();
    breaker.recordFailure();
    advance(150);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordFailure();
    expect(breaker.snapshot()).toMatchObject({ state: 'open', probeAtMs: 250 });
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('does not count a success in between: only consecutive failures open it', () => {
    const { breaker } = make(3);
    for (const outcome of ['fail', 'fail', 'ok', 'fail', 'fail'] as const) {
      breaker.tryAcquire();
      if (outcome === 'ok') breaker.recordSuccess();
      else breaker.recordFailure();
    }
    expect(breaker.snapshot().state).toBe('closed');
  });

  it('frees the probe slot when the probe is cancelled, without deciding anything', () => {
    const { breaker, advance } = make(1, 100);
    breaker.tryAcquire();
    breaker.recordFailure();
    advance(100);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordNeutral();
    expect(breaker.snapshot().state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
  });
});

describe('a connector whose calls keep failing', () => {
  let bed: TestBed;
  beforeEach(async () => {
    bed = await new TestBed().start();
  });
  afterEach(() => bed.close());

  it('fails calls fast once its circuit opens, shows it in /status and metrics, and closes after a good probe', async () => {
    const alpha = await bed.demo('alpha');
    bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl, { timeouts: { callMs: 500 } })]));
    let now = Date.now();
    const { manager, registry, metrics } = bed.manager({
      stateDir: await bed.tempDir(),
      clock: () => now,
      circuitFailureThreshold: 2,
      circuitOpenMs: 10_000,
    });
    await manager.start();
    const wait = registry.getTool('alpha.wait');
    const echo = registry.getTool('alpha.echo');

    // Two calls the upstream does not answer within the 500 ms call timeout.
    for (let call = 0; call < 2; call += 1) {
      const result = await wait?.handler({ ms: 5_000 }, {});
      expect(result).toMatchObject({ isError: true });
    }
    const callsSeen = alpha.observations.calls.length;
    const refused = await echo?.handler({ text: 'hello' }, {});
    expect(refused).toMatchObject({ isError: true });
    expect(firstText(refused)).toContain('alpha');
    expect(firstText(refused)).toContain('2 consecutive failed calls');
    expect(alpha.observations.calls.length).toBe(callsSeen);
    const status = manager.status().connectors.find((connector) => connector.id === 'alpha');
    expect(status?.circuit).toEqual({ state: 'open', consecutiveFailures: 2, probeAtMs: now + 10_000 });
    expect(await metricValue(metrics, 'mcp_connector_circuit_state', { connector_id: 'alpha' })).toBe(2);
    expect(
      await metricValue(metrics, 'mcp_tool_call_errors_total', { connector: 'alpha', kind: 'circuit_open' }),
    ).toBe(1);

    now += 10_000;
    const probe = await echo?.handler({ text: 'again' }, {});
    expect(firstText(probe)).toBe('alpha: again');
    expect(manager.status().connectors.find((connector) => connector.id === 'alpha')?.circuit?.state).toBe(
      'closed',
    );
    expect(await metricValue(metrics, 'mcp_connector_circuit_state', { connector_id: 'alpha' })).toBe(0);
  });
});
