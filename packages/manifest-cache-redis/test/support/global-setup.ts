// vitest globalSetup: one shared redis-server for the whole run (installed first when missing), stopped after it.
// Test files isolate themselves with a unique key prefix; outage tests start their own server instead.
import type { TestProject } from 'vitest/node';
import './provided.js';
import { startRedisServer } from '@cortex-mcp/test-servers';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startRedisServer();
  project.provide('redisUrl', server.url);
  return () => server.stop();
}
