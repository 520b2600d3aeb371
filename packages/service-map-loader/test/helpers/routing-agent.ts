import net from 'node:net';
import { Agent } from 'undici';

/**
 * A real undici Agent whose every connection dials the local test server on `port`, whatever the URL's host or
 * scheme says: it stands in for DNS and TLS, so tests can load `https://maps.example.test/...` (a public-looking
 * https origin) while all traffic stays on 127.0.0.1. Requests still travel over real TCP to a real server.
 */
export function routeEverythingTo(port: number): Agent {
  return new Agent({
    connect: (_options, callback) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => callback(null, socket));
      socket.once('error', (error) => callback(error, null));
    },
  });
}

/** The port of an `http://127.0.0.1:<port>` origin. */
export function portOf(origin: string): number {
  return Number(new URL(origin).port);
}
