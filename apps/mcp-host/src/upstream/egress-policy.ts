import {
  lookup as dnsLookup,
  type LookupAddress,
  type LookupAllOptions,
  type LookupOneOptions,
} from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { ConnectorManagerError } from '../errors.js';

/** Options of {@link EgressPolicy}. */
export interface EgressPolicyOptions {
  /** Allow plain `http:` to addresses other than loopback. Default false: https is required off this machine. */
  readonly allowInsecureHttp?: boolean | undefined;
  /** CIDR blocks (`10.0.0.0/8`, `fd00::/8`) or single addresses that may be reached even though they are private. */
  readonly allowedNetworks?: readonly string[] | undefined;
  /** Name resolution, `dns.lookup`-compatible. Default `dns.lookup`. */
  readonly lookup?: EgressLookup | undefined;
}

/** Address ranges a connector may not reach unless allowed: private, shared, link-local (cloud metadata), unspecified. */
const RESTRICTED_IPV4 = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
] as const;
const RESTRICTED_IPV6 = [
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const;

/** A `dns.lookup`-compatible resolver. */
export type EgressLookup = (
  hostname: string,
  options: LookupOneOptions | LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

/**
 * Where connectors may connect. Checked on the address a connection actually goes to (after DNS), never on the
 * host name in the URL, so a name that resolves to a private address — or one whose answer changes between a check
 * and the connection (DNS rebinding) — cannot get through:
 *
 * - loopback (127.0.0.0/8, ::1) is always allowed, over http or https (local servers and development);
 * - private, shared (CGNAT), link-local (169.254.0.0/16: cloud metadata endpoints) and unspecified addresses are
 *   refused unless `allowedNetworks` lists them;
 * - plain http to anything but loopback is refused unless `allowInsecureHttp`.
 */
export class EgressPolicy {
  readonly #restricted = new BlockList();
  readonly #allowed = new BlockList();
  readonly #allowInsecureHttp: boolean;
  readonly #lookup: EgressLookup;

  /** @throws {ConnectorManagerError} `invalid_options` for an entry of `allowedNetworks` that is no CIDR or address. */
  constructor(options: EgressPolicyOptions = {}) {
    this.#allowInsecureHttp = options.allowInsecureHttp ?? false;
    this.#lookup = options.lookup ?? (dnsLookup as unknown as EgressLookup);
    for (const [network, prefix] of RESTRICTED_IPV4) this.#restricted.addSubnet(network, prefix, 'ipv4');
    for (const [network, prefix] of RESTRICTED_IPV6) this.#restricted.addSubnet(network, prefix, 'ipv6');
    for (const entry of options.allowedNetworks ?? []) addNetwork(this.#allowed, entry);
  }

  /**
   * Why a connection to `address` (an IP literal) over `protocol` is refused, or undefined when it is allowed.
   * The message names the address and the setting that would allow it.
   */
  refusal(address: string, protocol: string): string | undefined {
    const ip = unmapIpv4(address);
    const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (isLoopback(ip)) return undefined;
    if (this.#allowed.check(ip, family)) return undefined;
    if (this.#restricted.check(ip, family)) {
      return `${ip} is a private, link-local or otherwise internal address; list its network in MCP_EGRESS_ALLOWED_NETWORKS (e.g. ${family === 'ipv4' ? '10.0.0.0/8' : 'fd00::/8'}) to allow it`;
    }
    if (protocol === 'http:' && !this.#allowInsecureHttp) {
      return `plain http to ${ip} would send requests unencrypted; use https, or set MCP_EGRESS_ALLOW_INSECURE_HTTP=true`;
    }
    return undefined;
  }

  /**
   * A `dns.lookup` replacement for connections over `protocol`: resolves as usual, then drops refused addresses;
   * when none is left it fails with a `ConnectorManagerError` (`egress_refused`) naming the host and why.
   */
  lookupFor(protocol: string): EgressLookup {
    const lookup = this.#lookup;
    return (hostname, options, callback) => {
      lookup(hostname, { ...options, all: true }, (error, addresses) => {
        if (error) return callback(error, '');
        const list = addresses as LookupAddress[];
        const allowed = list.filter((entry) => this.refusal(entry.address, protocol) === undefined);
        const first = allowed[0];
        if (first === undefined) {
          const reason = list[0] ? this.refusal(list[0].address, protocol) : 'it resolved to no address';
          return callback(egressError(hostname, reason ?? 'refused'), '');
        }
        if ((options as LookupAllOptions).all) return callback(null, allowed);
        return callback(null, first.address, first.family);
      });
    };
  }

  /** Throws `egress_refused` when a connection to the IP literal `address` is refused; for hosts given as IPs. */
  assertAllowed(address: string, protocol: string): void {
    const reason = this.refusal(address, protocol);
    if (reason !== undefined) throw egressError(address, reason);
  }
}

function egressError(host: string, reason: string): ConnectorManagerError {
  const error = new ConnectorManagerError('egress_refused', `Refused to connect to ${host}: ${reason}.`);
  // Node's socket code reads `code` for system errors; ours is a string union member, which is what callers test.
  return error;
}

function addNetwork(list: BlockList, entry: string): void {
  const [network = '', prefixText] = entry.trim().split('/');
  const ip = unmapIpv4(network);
  const version = isIP(ip);
  const prefix = prefixText === undefined ? (version === 6 ? 128 : 32) : Number(prefixText);
  const max = version === 6 ? 128 : 32;
  if (version === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
    throw new ConnectorManagerError(
      'invalid_options',
      `MCP_EGRESS_ALLOWED_NETWORKS: "${entry}" is not an address or CIDR block (e.g. 10.0.0.0/8, fd00::/8).`,
    );
  }
  list.addSubnet(ip, prefix, version === 6 ? 'ipv6' : 'ipv4');
}

function unmapIpv4(address: string): string {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  return mapped?.[1] ?? bare;
}

function isLoopback(ip: string): boolean {
  return ip === '::1' || (isIP(ip) === 4 && ip.startsWith('127.'));
}
