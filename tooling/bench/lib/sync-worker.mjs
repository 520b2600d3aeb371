// A host process for the sync scenarios that measure a process (RSS) or need process-wide TLS trust
// (NODE_EXTRA_CA_CERTS is read once at start-up, and the manager's Agent takes no CA option). Driven over IPC:
//   { cmd: 'start', options }  → { ok, durationMs, toolCount, rssBytes, heapUsedBytes, lastSync }
//   { cmd: 'refresh' }         → { ok, durationMs, toolCount, registryVersion, lastSync }
//   { cmd: 'call', tool, args }→ { ok, result }
//   { cmd: 'stop' }            → exits
import { createBenchManager } from './manager.mjs';

/** @type {ReturnType<typeof createBenchManager> | undefined} */
let run;

/** @param {any} message */
async function handle(message) {
  if (message.cmd === 'start') {
    run = createBenchManager(message.options);
    const startedAt = performance.now();
    await run.manager.start();
    const durationMs = performance.now() - startedAt;
    globalThis.gc?.();
    const memory = process.memoryUsage();
    return {
      durationMs,
      toolCount: run.registry.listTools().length,
      registryVersion: run.registry.version,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      lastSync: run.manager.status().lastSync,
    };
  }
  if (!run) throw new Error('send start first');
  if (message.cmd === 'refresh') {
    const startedAt = performance.now();
    const summary = await run.manager.refresh('bench');
    return {
      durationMs: performance.now() - startedAt,
      toolCount: run.registry.listTools().length,
      registryVersion: run.registry.version,
      lastSync: summary,
    };
  }
  if (message.cmd === 'call') {
    const tool = run.registry.getTool(message.tool);
    if (!tool) throw new Error(`no tool ${message.tool}`);
    return { result: await tool.handler(message.args, {}) };
  }
  if (message.cmd === 'stop') {
    await run.dispose();
    process.disconnect?.();
    return {};
  }
  throw new Error(`unknown command ${message.cmd}`);
}

process.on('message', (message) => {
  handle(message).then(
    (reply) => process.send?.({ ok: true, ...reply }),
    (error) => process.send?.({ ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
