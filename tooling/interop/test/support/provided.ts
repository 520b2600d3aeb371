import { inject } from 'vitest';
import type { InteropBed } from './bed.js';

declare module 'vitest' {
  export interface ProvidedContext {
    interopBed: InteropBed;
  }
}

/** The upstream and the host in front of it, started once per run (see test/global-setup.ts). */
export function interopBed(): InteropBed {
  return inject('interopBed');
}
