import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the run's shared redis-server, e.g. `redis://127.0.0.1:40123` (see global-setup.ts). */
    redisUrl: string;
  }
}

/** The shared redis-server of this run. Isolate a test with its own key prefix (see helpers). */
export function sharedRedisUrl(): string {
  return inject('redisUrl');
}
