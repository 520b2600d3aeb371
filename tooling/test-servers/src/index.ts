export { ensureChromium } from './chromium.js';
export {
  type EverythingMode,
  type EverythingServer,
  startEverything,
} from './everything-server.js';
export { freePort } from './free-port.js';
export { hasOpenssl, makeLoopbackCertificate } from './loopback-certificate.js';
export {
  ensureRedisServer,
  type RedisServer,
  type RedisServerOptions,
  startRedisServer,
} from './redis-server.js';
