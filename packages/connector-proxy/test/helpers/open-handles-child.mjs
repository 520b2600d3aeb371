// Connects to every kind of upstream through the BUILT package, calls, disconnects, and then must exit on its own.
// Usage: node open-handles-child.mjs <streamableUrl> <sseUrl> <stdioFixturePath>
import { Agent } from 'undici';
import { RemoteToolProxy } from '../../dist/index.js';

const [streamableUrl, sseUrl, stdioFixture] = process.argv.slice(2);
const agent = new Agent({ connections: 10 });
const proxies = [
  new RemoteToolProxy({ id: 'http', url: streamableUrl, dispatcher: agent }),
  new RemoteToolProxy({ id: 'sse', transport: 'sse', url: sseUrl, dispatcher: agent }),
  new RemoteToolProxy({ id: 'auto', transport: 'auto', url: sseUrl, dispatcher: agent }),
  new RemoteToolProxy({ id: 'stdio', transport: 'stdio', command: process.execPath, args: [stdioFixture] }),
];
for (const proxy of proxies) {
  await proxy.connect();
  await proxy.getTools();
  const result = await proxy.callTool('echo', { text: proxy.id });
  if (result.content[0]?.text !== proxy.id) throw new Error(`bad echo from ${proxy.id}`);
}
await Promise.all(proxies.map((proxy) => proxy.disconnect()));
await Promise.all(proxies.map((proxy) => proxy.disconnect()));
await agent.close();
process.stdout.write(`done ${proxies.map((proxy) => `${proxy.id}:${proxy.state}`).join(' ')}\n`);
