import type { ServerInfo } from '@cortex-mcp/registry-fs-store';
import type { ServiceMapPayload } from '@cortex-mcp/service-map-loader';
import pLimit from 'p-limit';
import {
  type ConnectorSpec,
  desiredSpecs,
  displayEndpoint,
  type SpecDefaults,
} from '../../connectors/index.js';
import type { ConnectProgressEvent } from '../../manager/index.js';
import { printable } from '../format.js';
import { check, type DoctorCheck } from './check.js';
import { type ProbeDeps, type ProbeFailure, probeConnector } from './connector-probe.js';

/** How many connectors the doctor probes at once: enough to be quick, few enough to stay polite. */
export const DOCTOR_CONCURRENCY = 4;

/** Inputs of {@link checkConnectors}. */
export interface ConnectorChecksInput {
  /** The verified map, if any. */
  readonly map: ServiceMapPayload | undefined;
  /** True when a map is configured but did not pass its checks: its connectors are not probed. */
  readonly mapUnverified: boolean;
  /** The registry file's servers. */
  readonly servers: readonly ServerInfo[];
  /** The connector specs' defaults (timeouts a map entry may override, whether an API key is configured). */
  readonly specDefaults: SpecDefaults;
  readonly probe: ProbeDeps;
  /** Called as each probe settles (for the TTY progress line). */
  readonly onProgress?: ((event: ConnectProgressEvent) => void) | undefined;
}

/**
 * One check per connector the host would run (the map's, then the registry file's), in that order: enabled ones are
 * probed in parallel ({@link DOCTOR_CONCURRENCY} at once), disabled ones are skipped, and one with a known
 * configuration problem (no endpoint, no API key) fails without a connection attempt.
 */
export async function checkConnectors(input: ConnectorChecksInput): Promise<DoctorCheck[]> {
  const { specs, skipped } = desiredSpecs(input.map, input.servers, input.specDefaults);
  const checks: DoctorCheck[] = [];
  if (input.mapUnverified) {
    checks.push(
      check('connector', 'service-map connectors', 'skip', 'not checked: the map did not pass its checks'),
    );
  }
  const probed = specs.filter((spec) => spec.enabled && spec.problem === undefined);
  const limit = pLimit(DOCTOR_CONCURRENCY);
  let done = 0;
  const results = await Promise.all(
    probed.map((spec) =>
      limit(async () => {
        const result = await probeConnector(spec, input.probe);
        done += 1;
        input.onProgress?.({
          done,
          total: probed.length,
          connectorId: spec.id,
          ok: result.ok,
          ...(result.ok ? {} : { error: result.message }),
        });
        return [spec.id, result] as const;
      }),
    ),
  );
  const byId = new Map(results);
  for (const spec of specs) {
    const result = byId.get(spec.id);
    if (!spec.enabled) checks.push(connectorCheck(spec, 'skip', `disabled in the ${originName(spec)}`));
    else if (spec.problem !== undefined) checks.push(problemCheck(spec));
    else if (result?.ok) {
      const version = result.protocolVersion ?? 'unknown';
      checks.push(
        connectorCheck(
          spec,
          'ok',
          `reachable over ${result.transport} at ${target(spec)}: protocol ${version}, ${result.toolCount} tool(s) (${result.durationMs} ms)`,
          {
            transport: result.transport,
            protocolVersion: result.protocolVersion,
            toolCount: result.toolCount,
            durationMs: result.durationMs,
          },
        ),
      );
    } else if (result !== undefined) checks.push(failedProbeCheck(spec, result, input.probe.timeoutMs));
  }
  for (const server of skipped) {
    checks.push(
      check(
        'connector',
        `connector ${printable(server.name)}`,
        'warn',
        'registry-file server ignored: a service-map connector has this id',
        {
          connectorId: server.name,
          fix: `Rename it: mcp-host servers remove ${server.name}, then add it under another name.`,
        },
      ),
    );
  }
  if (checks.length === 0) {
    checks.push(
      check(
        'connector',
        'connectors',
        'skip',
        'none: no service-map connectors and no registry-file servers',
      ),
    );
  }
  return checks;
}

function connectorCheck(
  spec: ConnectorSpec,
  status: DoctorCheck['status'],
  detail: string,
  extra: Partial<DoctorCheck> = {},
): DoctorCheck {
  return check('connector', `connector ${printable(spec.id)}`, status, detail, {
    connectorId: spec.id,
    ...extra,
  });
}

function problemCheck(spec: ConnectorSpec): DoctorCheck {
  const problem = spec.problem as NonNullable<ConnectorSpec['problem']>;
  const fix =
    problem.code === 'missing_api_key'
      ? 'Set CONNECTORS_API_KEY (the key this connector accepts).'
      : "Give the connector an endpoint in the map's producer.";
  return connectorCheck(spec, 'fail', problem.message, { fix });
}

function failedProbeCheck(spec: ConnectorSpec, failure: ProbeFailure, doctorTimeoutMs: number): DoctorCheck {
  return connectorCheck(
    spec,
    'fail',
    `${failure.message.replace(/\.$/, '')} (code ${failure.code}, after ${failure.durationMs} ms)`,
    {
      fix: probeFix(spec, failure.code, doctorTimeoutMs),
      durationMs: failure.durationMs,
    },
  );
}

function probeFix(spec: ConnectorSpec, code: string, doctorTimeoutMs: number): string {
  if (code === 'unauthorized') {
    return spec.origin === 'service-map'
      ? 'Set CONNECTORS_API_KEY to a key this connector accepts.'
      : `Fix its auth header: mcp-host servers add ${spec.id} --url <url> --header "Authorization:Bearer <token>" --replace.`;
  }
  if (code === 'connect_timeout') {
    const bound = Math.min(spec.connectTimeoutMs, doctorTimeoutMs);
    return `Check that ${target(spec)} is up and answers MCP within ${bound} ms, or raise MCP_CONNECTOR_CONNECT_TIMEOUT_MS (and doctor --timeout-ms).`;
  }
  if (spec.transport === 'stdio') {
    return `Check that "${printable(spec.command ?? '')}" is installed and starts an MCP server on stdio.`;
  }
  return `Check that an MCP server runs at ${target(spec)} over ${spec.transport}${spec.origin === 'service-map' ? " (or fix the map's endpoint)" : ' (or fix it with mcp-host servers add --replace)'}.`;
}

function originName(spec: ConnectorSpec): string {
  return spec.origin === 'service-map' ? 'service map' : 'registry file';
}

/** The endpoint as safe to print: a redacted URL, or the stdio command name (never its args or env). */
function target(spec: ConnectorSpec): string {
  return printable(displayEndpoint(spec) ?? '(no endpoint)');
}
