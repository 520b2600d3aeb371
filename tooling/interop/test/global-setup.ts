// One upstream and one host for the whole run: every client test file talks to the same two endpoints.
import type { TestProject } from 'vitest/node';
import { startInteropBed } from './support/bed.js';
import './support/provided.js';

/** Vitest global setup: start the bed, provide its URLs, stop it after the last file. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const bed = await startInteropBed();
  project.provide('interopBed', { upstreamUrl: bed.upstreamUrl, hostUrl: bed.hostUrl });
  return () => bed.close();
}
