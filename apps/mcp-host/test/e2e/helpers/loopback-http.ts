import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts `server` on an ephemeral 127.0.0.1 port; resolves with `http://127.0.0.1:<port><path>`. */
export async function listenOnLoopback(server: Server, path: string): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
}

/** Closes `server` at once: ends the responses it still holds open and every connection, then waits for it. */
export async function closeNow(server: Server, openResponses: Iterable<ServerResponse>): Promise<void> {
  for (const response of openResponses) response.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
