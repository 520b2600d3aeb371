// A client that starts one long tool call and then waits to be killed, as the Inspector CLI on Ctrl+C or a crashed
// agent leaves a host: no notifications/cancelled, no DELETE, the connection (or stdin) simply goes away.
//
//   node abandoning-client.mjs http <mcpUrl> <tool>
//   node abandoning-client.mjs stdio <cli.js> <tool> <hostStderrFile>   (spawns `cli.js serve --stdio`, env as is)
//
// Prints one JSON line once the call is sent: { "calling": true, "hostPid": <pid of the stdio host, or null> }.
import { openSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [mode, target, tool, stderrFile] = process.argv.slice(2);
const transport =
  mode === 'http'
    ? new StreamableHTTPClientTransport(new URL(target))
    : new StdioClientTransport({
        command: process.execPath,
        args: [target, 'serve', '--stdio'],
        env: { ...process.env },
        stderr: openSync(stderrFile, 'a'),
      });
const client = new Client({ name: 'abandoning-client', version: '1.0.0' });
await client.connect(transport);

// A host that just started may not list the connector's tools yet.
for (let attempt = 0; ; attempt += 1) {
  const { tools } = await client.listTools();
  if (tools.some((listed) => listed.name === tool)) break;
  if (attempt > 400) throw new Error(`the host never listed ${tool}`);
  await sleep(50);
}
client.callTool({ name: tool, arguments: { ms: 600_000 } }, undefined, { timeout: 600_000 }).catch(() => {});
// The request is written before the line: the test kills us only once the upstream has seen the call anyway.
process.stdout.write(`${JSON.stringify({ calling: true, hostPid: transport.pid ?? null })}\n`);
setInterval(() => {}, 60_000);
