import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ChangingServer, startChangingServer } from './changing-server.js';
import { entry, mapOf, metricValue, TestBed, toolNames } from './fixtures.js';

let bed: TestBed;
let toolsOnly: ChangingServer;
beforeEach(async () => {
  bed = await new TestBed().start();
  toolsOnly = await startChangingServer();
});
afterEach(async () => {
  await bed.close();
  await toolsOnly.close();
});

describe('each connector serves the kinds it offers', () => {
  it('a connector that offers only tools is skipped for the other kinds, not an error', async () => {
    const demo = await bed.demo('notes');
    bed.publisher.publish(mapOf([entry('tools-only', toolsOnly.url), entry('notes', demo.streamableUrl)]));
    const { manager, registry, metrics, logs } = bed.manager({ stateDir: await bed.tempDir() });
    await manager.start();

    expect(toolNames(registry)).toContain('tools-only.hello');
    expect(registry.listResources().map((resource) => resource.uri)).toEqual([
      'notes+note:///readme',
      'notes+note:///logo.png',
    ]);
    expect(registry.listPrompts().every((prompt) => prompt.metadata.connectorId === 'notes')).toBe(true);
    const status = manager.status().connectors.find((connector) => connector.id === 'tools-only');
    expect(status).toMatchObject({
      state: 'up',
      toolCount: 1,
      resourceCount: 0,
      resourceTemplateCount: 0,
      promptCount: 0,
      lastError: null,
    });
    expect(logs.filter((line) => line.level >= 40 && line.connectorId === 'tools-only')).toEqual([]);
    expect(manager.status().registry).toMatchObject({
      resourceCount: 2,
      resourceTemplateCount: 1,
      promptCount: 2,
    });
    expect(
      await metricValue(metrics, 'mcp_connector_catalogue_items', { connector_id: 'notes', kind: 'prompts' }),
    ).toBe(2);
  });

  it('a connector whose connection changes takes its resource subscriptions to its successor', async () => {
    const demo = await bed.demo('notes');
    bed.publisher.publish(mapOf([entry('notes', demo.streamableUrl)]));
    const { manager } = bed.manager({ stateDir: await bed.tempDir() });
    await manager.start();
    await manager.upstream.subscribeResource('notes', 'note:///readme', {});
    expect(demo.activeSubscriptions()).toEqual({ 'note:///readme': 1 });
    const initializations = demo.observations.initializations;

    bed.publisher.publish(mapOf([entry('notes', demo.streamableUrl, { version: '2.0.0' })]));
    await manager.refresh();
    expect(demo.observations.initializations).toBe(initializations + 1);
    await until(() => demo.activeSubscriptions()['note:///readme'] === 1, 'the successor subscribed');
    expect(demo.activeSubscriptions()).toEqual({ 'note:///readme': 1 });
  });
});

/** Resolves once `condition()` holds, checking every 20 ms; fails after `timeoutMs`. */
async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
