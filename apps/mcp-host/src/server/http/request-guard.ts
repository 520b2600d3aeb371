import type { IncomingHttpHeaders } from 'node:http';

/** Options of {@link createRequestGuard}. Empty lists mean the loopback defaults for `bindHost:port`. */
export interface RequestGuardOptions {
  /** The address the server is bound to (`127.0.0.1`, `::1`, `0.0.0.0`, a name, ...). */
  readonly bindHost: string;
  /** The port the server listens on (the real one, not 0). */
  readonly port: number;
  /** `Host` header values to accept, `host:port` as clients send them (`127.0.0.1:8080`, `[::1]:8080`). */
  readonly allowedHosts: readonly string[];
  /** `Origin` header values to accept (`http://localhost:8080`). */
  readonly allowedOrigins: readonly string[];
}

/** Why a request was refused: answer with `status` (always 403) and `message`. */
export interface RequestRefusal {
  readonly status: 403;
  readonly message: string;
}

/** Checks one request's headers; `undefined` means it may proceed. */
export type RequestGuard = (headers: IncomingHttpHeaders) => RequestRefusal | undefined;

/**
 * DNS-rebinding protection for every path of the HTTP server (MCP spec, transports § security warning): a page on
 * `evil.example` whose name was re-pointed at 127.0.0.1 reaches us with `Host: evil.example:PORT` and, from a
 * browser, an `Origin` of its own. So a `Host` not in the allowed list is refused with 403 (a missing one too), and
 * an `Origin` that is present and not allowed is refused with 403. Clients that are not browsers send no `Origin`
 * and are judged on `Host` alone. Values compare case-insensitively, a missing port as the scheme's default
 * (`localhost` is `localhost:80`, `https://a.lan` is `https://a.lan:443`).
 */
export function createRequestGuard(options: RequestGuardOptions): RequestGuard {
  const hosts = new Set(
    (options.allowedHosts.length > 0
      ? options.allowedHosts
      : defaultAllowedHosts(options.bindHost, options.port)
    ).map((host) => normalizeHost(host)),
  );
  const origins = new Set(
    (options.allowedOrigins.length > 0
      ? options.allowedOrigins
      : defaultAllowedOrigins(options.bindHost, options.port)
    ).map(normalizeOrigin),
  );
  return (headers) => {
    const host = headers.host;
    if (!host || !hosts.has(normalizeHost(host))) {
      return {
        status: 403,
        message: `Forbidden: Host header ${JSON.stringify(host ?? '')} is not allowed (DNS rebinding protection). Add it to allowedHosts if this server is meant to answer to it.`,
      };
    }
    const origin = headers.origin;
    if (origin !== undefined && !origins.has(normalizeOrigin(origin))) {
      return {
        status: 403,
        message: `Forbidden: Origin ${JSON.stringify(origin)} is not allowed (DNS rebinding protection). Add it to allowedOrigins if pages from there may call this server.`,
      };
    }
    return undefined;
  };
}

/** The `Host` values accepted when none are configured: the loopback names and the bind address, with the port. */
export function defaultAllowedHosts(bindHost: string, port: number): string[] {
  return unique([...LOOPBACK_NAMES, bindHost].map((host) => `${bracketIpv6(host)}:${port}`));
}

/** The `Origin` values accepted when none are configured: `http://` + each default host. */
export function defaultAllowedOrigins(bindHost: string, port: number): string[] {
  return defaultAllowedHosts(bindHost, port).map((host) => `http://${host}`);
}

/** `::1` → `[::1]`: how an IPv6 address appears in a `Host` header or URL. */
export function bracketIpv6(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '::1'];

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' };

/** `Localhost` → `localhost:80`; `[::1]:8080` stays. Plain string work: a Host is never parsed as a URL. */
function normalizeHost(value: string, defaultPort = '80'): string {
  const host = value.trim().toLowerCase();
  return /:\d+$/.test(host) ? host : `${host}:${defaultPort}`;
}

/** `HTTPS://Console.lan/` → `https://console.lan:443`; anything else (`null`) compares as written. */
function normalizeOrigin(value: string): string {
  const origin = value.trim().toLowerCase().replace(/\/+$/, '');
  const match = /^(https?):\/\/([^/]+)$/.exec(origin);
  if (!match?.[1] || !match[2]) return origin;
  return `${match[1]}://${normalizeHost(match[2], DEFAULT_PORTS[match[1]])}`;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
