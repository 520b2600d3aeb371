// The command line of a throwaway test redis-server: loopback only, no persistence, one database. Plain ESM so
// that the TypeScript starter (src/redis-server.ts) and the plain-node bench start the same server.

/**
 * Arguments for `redis-server` listening on 127.0.0.1:`port`, nothing written to disk.
 * @param {number} port
 * @returns {string[]}
 */
export function redisServerArgs(port) {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--protected-mode',
    'no',
    '--daemonize',
    'no',
    '--loglevel',
    'notice',
    '--databases',
    '1',
  ];
}
