// The upstream farm in a process of its own (so load generator, host and upstream do not share a thread).
//   { cmd: 'start', options } → { ok, origin, urls[] }   { cmd: 'stats' } → { ok, stats }   { cmd: 'stop' }
import { startUpstreamFarm } from './upstream.mjs';

/** @type {import('./upstream.mjs').UpstreamFarm | undefined} */
let farm;

process.on('message', (/** @type {any} */ message) => {
  const reply = async () => {
    if (message.cmd === 'start') {
      farm = await startUpstreamFarm(message.options);
      const urls = Array.from({ length: message.options.connectorCount }, (_, index) =>
        farm?.connectorUrl(index),
      );
      return { origin: farm.origin, urls };
    }
    if (message.cmd === 'stats') return { stats: farm?.stats };
    if (message.cmd === 'stop') {
      await farm?.close();
      process.disconnect?.();
      return {};
    }
    throw new Error(`unknown command ${message.cmd}`);
  };
  reply().then(
    (value) => process.send?.({ ok: true, ...value }),
    (error) => process.send?.({ ok: false, error: String(error) }),
  );
});
