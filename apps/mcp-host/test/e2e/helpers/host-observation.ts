import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostStatus } from '../../../src/status/host-status.js';

/** One pino JSON line from the host's stderr. */
export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** pino's numeric levels. */
export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

/** The JSON log lines in `stderr` (anything that is not JSON is skipped). */
export function logLines(stderr: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const text of stderr.split('\n')) {
    if (!text.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(text) as LogLine);
    } catch {
      // A line cut in the middle of a write: the next read has it whole.
    }
  }
  return lines;
}

/** The host's `/status` document. */
export async function fetchStatus(baseUrl: string): Promise<HostStatus> {
  const response = await fetch(`${baseUrl}/status`);
  if (response.status !== 200) throw new Error(`/status answered ${response.status}`);
  return (await response.json()) as HostStatus;
}

/** The value of one sample of the Prometheus text at `/metrics`, or undefined when absent. */
export function metricSample(
  metricsText: string,
  name: string,
  labels: Record<string, string>,
): number | undefined {
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.slice(name.length).match(/^\{([^}]*)\}/)?.[1] ?? '';
    const found = Object.fromEntries(
      [...labelText.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1], match[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

/** A fresh CORTEX_HOME under the OS temp dir; `remove()` deletes it. */
export async function tempCortexHome(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'cortex-e2e-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
