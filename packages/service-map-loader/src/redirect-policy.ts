import { BlockList, isIP } from 'node:net';
import { describeMap, ServiceMapError } from './errors.js';
import { redactUrl } from './url.js';

/** How many redirects one load follows before giving up (`redirect`). */
export const MAX_REDIRECTS = 5;

/** Address ranges a redirect may not lead into: other hosts on this machine or on internal networks. */
type AddressClass = 'loopback' | 'private' | 'link-local' | 'unspecified';

const ADDRESS_RANGES: readonly (readonly [AddressClass, string, number, 'ipv4' | 'ipv6'])[] = [
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['loopback', '::1', 128, 'ipv6'],
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'],
  ['private', 'fc00::', 7, 'ipv6'],
  ['link-local', '169.254.0.0', 16, 'ipv4'],
  ['link-local', 'fe80::', 10, 'ipv6'],
  ['unspecified', '0.0.0.0', 8, 'ipv4'],
  ['unspecified', '::', 128, 'ipv6'],
];

// BlockList also matches IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) against the IPv4 ranges.
const ADDRESS_LISTS = (['loopback', 'private', 'link-local', 'unspecified'] as const).map((addressClass) => {
  const list = new BlockList();
  for (const [rangeClass, network, prefix, family] of ADDRESS_RANGES) {
    if (rangeClass === addressClass) list.addSubnet(network, prefix, family);
  }
  return [addressClass, list] as const;
});

/**
 * Which non-public range a URL hostname is in, judged from the name alone (no DNS lookup): IP literals by range,
 * `localhost` and `*.localhost` as loopback. Undefined for public addresses and other names.
 */
export function classifyHost(hostname: string): AddressClass | undefined {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const family = isIP(host);
  if (family === 0) {
    const name = host.toLowerCase().replace(/\.$/, '');
    return name === 'localhost' || name.endsWith('.localhost') ? 'loopback' : undefined;
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return ADDRESS_LISTS.find(([, list]) => list.check(host, type))?.[0];
}

/** Where the exchange stands when a redirect arrives. */
export interface RedirectHop {
  /** `serviceMapUrl` as requested. */
  readonly original: URL;
  /** The URL that answered with the redirect. */
  readonly from: URL;
  /** Whether the original URL or any hop so far used https. */
  readonly secure: boolean;
  /** Redirects followed so far. */
  readonly followed: number;
  /** Origins (besides the original's) a redirect may lead to. */
  readonly trustedOrigins: ReadonlySet<string>;
  readonly displayUrl: string;
  readonly status: number;
}

function refuse(hop: RedirectHop, code: 'redirect' | 'unsafe_redirect', what: string): ServiceMapError {
  return new ServiceMapError(code, `${describeMap(hop.displayUrl)}: HTTP ${hop.status} ${what}`, {
    url: hop.displayUrl,
    status: hop.status,
  });
}

const DIRECTLY = 'point serviceMapUrl at the final URL directly if it is intended.';

function checkAddress(target: URL, hop: RedirectHop, shown: string): void {
  // The operator chose the original host; only a hop to another host can steer requests somewhere new.
  if (target.hostname === hop.original.hostname) return;
  const targetClass = classifyHost(target.hostname);
  if (targetClass === undefined) return;
  if (targetClass === 'loopback' && classifyHost(hop.original.hostname) === 'loopback') return;
  throw refuse(
    hop,
    'unsafe_redirect',
    `redirects to ${shown}, a ${targetClass} address. Redirects into this machine or internal networks are ` +
      `refused even with followRedirects and redirectOrigins; ${DIRECTLY}`,
  );
}

/**
 * Resolves a redirect's `Location` and checks it against the policy, throwing `redirect` (no usable Location, too
 * many hops) or `unsafe_redirect` (another scheme, credentials, https→http, an origin other than the original's or
 * those trusted, or a private, link-local, unspecified or — from a host that is not loopback itself — loopback
 * address). Returns the URL to request next.
 */
export function checkRedirect(location: string | null, hop: RedirectHop): URL {
  if (location === null) {
    throw refuse(
      hop,
      'redirect',
      'redirects without a Location header. Fix the map server, or point serviceMapUrl at the map.',
    );
  }
  let target: URL;
  try {
    target = new URL(location, hop.from);
  } catch {
    throw refuse(
      hop,
      'redirect',
      'redirects to an invalid Location. Fix the map server, or point serviceMapUrl at the map.',
    );
  }
  const shown = redactUrl(target);
  if (hop.followed >= MAX_REDIRECTS) {
    throw refuse(
      hop,
      'redirect',
      `redirects to ${shown}: more than ${MAX_REDIRECTS} redirects. Point serviceMapUrl at the final URL.`,
    );
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw refuse(
      hop,
      'unsafe_redirect',
      `redirects to a ${target.protocol} URL; only http: and https: redirects are followed.`,
    );
  }
  if (target.username !== '' || target.password !== '') {
    throw refuse(hop, 'unsafe_redirect', `redirects to ${shown} with credentials in the URL; ${DIRECTLY}`);
  }
  if (hop.secure && target.protocol === 'http:') {
    throw refuse(
      hop,
      'unsafe_redirect',
      `redirects from https: to plain http: (${shown}). Serve the map over https:, or ${DIRECTLY}`,
    );
  }
  if (target.origin !== hop.original.origin && !hop.trustedOrigins.has(target.origin)) {
    throw refuse(
      hop,
      'unsafe_redirect',
      `redirects to another origin (${shown}). If that origin is trusted, add ${target.origin} to redirectOrigins; otherwise ${DIRECTLY}`,
    );
  }
  checkAddress(target, hop, shown);
  return target;
}

/**
 * Checks `redirectOrigins` (`invalid_options` for an entry that is not a bare http(s) origin) and returns the set
 * of their origins.
 */
export function resolveRedirectOrigins(
  origins: readonly (string | URL)[] | undefined,
  displayUrl: string,
): ReadonlySet<string> {
  const trusted = new Set<string>();
  (origins ?? []).forEach((entry, index) => {
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    const isOrigin =
      url !== undefined &&
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      url.username === '' &&
      url.password === '' &&
      url.pathname === '/' &&
      url.search === '' &&
      url.hash === '';
    // The entry is not echoed: a mistyped one may carry credentials.
    if (!isOrigin || url === undefined) {
      throw new ServiceMapError(
        'invalid_options',
        `${describeMap(displayUrl)}: redirectOrigins[${index}] is not an http: or https: origin. Write it as scheme://host[:port], e.g. https://cdn.example.com.`,
        { url: displayUrl },
      );
    }
    trusted.add(url.origin);
  });
  return trusted;
}
