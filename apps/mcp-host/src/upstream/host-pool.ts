import { EgressPolicy } from './egress-policy.js';
import { UpstreamPool } from './upstream-pool.js';

/** The settings of the host's connections to its upstreams, resolved once from the configuration. */
export interface UpstreamSettings {
  /** HTTP/1.1 connections per origin in the shared request pool (`MCP_POOL_CONNECTIONS`). */
  readonly connections: number;
  /** Offer HTTP/2 by ALPN to https origins (`MCP_HTTP2`). */
  readonly http2: boolean;
  /** Networks connectors may reach beyond the default policy (`MCP_EGRESS_ALLOWED_NETWORKS`). */
  readonly allowedNetworks: readonly string[];
  /** Plain http off this machine (`MCP_EGRESS_ALLOW_INSECURE_HTTP`). */
  readonly allowInsecureHttp: boolean;
}

/**
 * The host's upstream pool as every part builds it (the manager, `mcp-host doctor`): the shared request and stream
 * pools behind the egress policy, the map endpoint's origin (`serviceMapUrl`, the operator's own) exempt from it.
 */
export function createHostPool(settings: UpstreamSettings, serviceMapUrl: string | undefined): UpstreamPool {
  return new UpstreamPool({
    connections: settings.connections,
    http2: settings.http2,
    egress: new EgressPolicy({
      allowedNetworks: [...settings.allowedNetworks],
      allowInsecureHttp: settings.allowInsecureHttp,
    }),
    egressExemptOrigins: mapOrigin(serviceMapUrl),
  });
}

/** The map endpoint's origin, exempt from the egress policy: the operator configured it, not the map. */
function mapOrigin(serviceMapUrl: string | undefined): string[] {
  if (serviceMapUrl === undefined) return [];
  const url = new URL(serviceMapUrl);
  return url.protocol === 'http:' || url.protocol === 'https:' ? [url.origin] : [];
}
