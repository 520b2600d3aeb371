import type { HostStatus } from '../../../src/status/host-status.js';
import { connectHttp } from './clients.js';
import { fetchStatus, logLines, tempCortexHome } from './host-observation.js';
import { type HostProcess, startHostProcess } from './host-process.js';

/** One `mcp-host serve` process of a fleet, with its own CORTEX_HOME. */
export interface FleetHost {
  readonly name: string;
  readonly process: HostProcess;
  readonly home: { readonly dir: string; remove(): Promise<void> };
}

/** Starts `count` hosts at once with `env`, each in its own temporary CORTEX_HOME. */
export async function startFleet(count: number, env: Record<string, string>): Promise<FleetHost[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const home = await tempCortexHome();
      try {
        const process = await startHostProcess({ ...env, CORTEX_HOME: home.dir });
        return { name: `host-${index + 1}`, process, home };
      } catch (error) {
        await home.remove();
        throw error;
      }
    }),
  );
}

/** Stops every host still running (SIGTERM, bounded) and removes the homes. */
export async function stopFleet(hosts: readonly FleetHost[]): Promise<void> {
  await Promise.allSettled(hosts.map((host) => host.process.stop()));
  await Promise.allSettled(hosts.map((host) => host.home.remove()));
}

/** `/status` of every host, in order. */
export function statuses(hosts: readonly FleetHost[]): Promise<HostStatus[]> {
  return Promise.all(hosts.map((host) => fetchStatus(host.process.baseUrl)));
}

/** The tool names a real SDK client sees on the host's `/mcp` (Streamable HTTP), sorted. */
export async function toolNames(host: FleetHost): Promise<string[]> {
  const client = await connectHttp(`${host.process.baseUrl}/mcp`);
  try {
    return (await client.client.listTools()).tools.map((tool) => tool.name).sort();
  } finally {
    await client.close();
  }
}

/** Calls `<connector>.echo` on the host through a real SDK client; resolves with the result's text. */
export async function callEcho(host: FleetHost, connector: string, text: string): Promise<string> {
  const client = await connectHttp(`${host.process.baseUrl}/mcp`);
  try {
    const result = await client.client.callTool({ name: `${connector}.echo`, arguments: { text } });
    if (result.isError)
      throw new Error(`${connector}.echo failed on ${host.name}: ${JSON.stringify(result)}`);
    return JSON.stringify(result.content);
  } finally {
    await client.close();
  }
}

/** How many of the host's log lines (pino JSON on stderr) have a message containing `text`. */
export function countLogLines(host: FleetHost, text: string): number {
  return logLines(host.process.stderr()).filter((line) => line.msg.includes(text)).length;
}

/** One `/status` reading of one host. */
export interface MapSample {
  readonly host: string;
  readonly atMs: number;
  readonly id: string | null;
  readonly generatedAtMs: number | null;
}

/**
 * Reads `/status` of every host every `everyMs` in the background until `stop()`, recording which map each one
 * serves: to check that no host ever serves a map it should not (older, unverified) while a test runs.
 */
export function sampleMaps(hosts: readonly FleetHost[], everyMs = 100): { stop(): Promise<MapSample[]> } {
  const samples: MapSample[] = [];
  let stopped = false;
  const loop = (async () => {
    // Bounded: one round per `everyMs` for at most five minutes, far longer than any test here.
    for (let round = 0; round < 300_000 / everyMs && !stopped; round += 1) {
      await Promise.all(
        hosts.map(async (host) => {
          if (host.process.child.exitCode !== null || host.process.child.signalCode !== null) return;
          const status = await fetchStatus(host.process.baseUrl).catch(() => undefined);
          if (!status) return; // a host killed between the check and the request
          const { id, generatedAt } = status.map;
          samples.push({
            host: host.name,
            atMs: Date.now(),
            id,
            generatedAtMs: generatedAt === null ? null : Date.parse(generatedAt),
          });
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return samples;
    },
  };
}

/** The samples of each host whose `generatedAt` is older than an earlier sample of the same host. */
export function rollbacks(samples: readonly MapSample[]): MapSample[] {
  const newest = new Map<string, number>();
  const found: MapSample[] = [];
  for (const sample of samples) {
    if (sample.generatedAtMs === null) continue;
    const before = newest.get(sample.host) ?? Number.NEGATIVE_INFINITY;
    if (sample.generatedAtMs < before) found.push(sample);
    newest.set(sample.host, Math.max(before, sample.generatedAtMs));
  }
  return found;
}
