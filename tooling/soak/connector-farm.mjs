// The soak's demo connectors, in a process of their own so the soak's memory figures are the pipeline's alone.
// IPC: { cmd: 'start', name, port? } → { ok, url, port }   { cmd: 'stop', name } → { ok }   { cmd: 'exit' }
import { startDemoConnector } from '@cortex-mcp/mcp-host';

/** @type {Map<string, Awaited<ReturnType<typeof startDemoConnector>>>} */
const running = new Map();

process.on('message', (/** @type {any} */ message) => {
  const reply = async () => {
    if (message.cmd === 'start') {
      const server = await startDemoConnector({
        name: message.name,
        ...(message.port ? { port: message.port } : {}),
      });
      running.set(message.name, server);
      return { url: server.streamableUrl, port: Number(new URL(server.streamableUrl).port) };
    }
    if (message.cmd === 'stop') {
      await running.get(message.name)?.close();
      running.delete(message.name);
      return {};
    }
    if (message.cmd === 'exit') {
      await Promise.allSettled([...running.values()].map((server) => server.close()));
      // Answer first, then let go of the channel: the parent waits for the exit.
      process.send?.({ id: message.id, ok: true }, () => process.disconnect?.());
      return undefined;
    }
    throw new Error(`unknown command ${message.cmd}`);
  };
  reply().then(
    (value) => value && process.send?.({ id: message.id, ok: true, ...value }),
    (error) => process.send?.({ id: message.id, ok: false, error: String(error) }),
  );
});
