import { inject } from 'vitest';
import type { PackedPackage } from './pack-packages.js';
import type { SkippedPackage } from './workspace-packages.js';

/** What the global setup hands every test file: the tarballs it packed once for the whole run. */
export interface PackRun {
  readonly workspaceRoot: string;
  readonly packed: readonly PackedPackage[];
  readonly skipped: readonly SkippedPackage[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    packRun: PackRun;
  }
}

/** The packed tarballs of this run (see test/global-setup.ts). */
export function packRun(): PackRun {
  return inject('packRun');
}
