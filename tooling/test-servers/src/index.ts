export { ensureRedisServer, type RedisServer, startRedisServer } from './redis-server.js';
