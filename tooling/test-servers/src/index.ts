export { hasOpenssl, makeLoopbackCertificate } from '../loopback-certificate.mjs';
export { ensureChromium } from './chromium.js';
export {
  type EverythingMode,
  type EverythingServer,
  everythingStdioCommand,
  startEverything,
} from './everything-server.js';
export { freePort } from './free-port.js';
export {
  ensureRedisServer,
  type RedisServer,
  type RedisServerOptions,
  startRedisServer,
} from './redis-server.js';
export { createTaskServer, type TaskServerControl } from './task-server.js';
export { waitFor } from './wait-for.js';
