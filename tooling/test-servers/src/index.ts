export { hasOpenssl, makeLoopbackCertificate } from './loopback-certificate.js';
export { ensureRedisServer, type RedisServer, startRedisServer } from './redis-server.js';
