import { type Dispatcher, Headers } from 'undici';
import { describeMap, ServiceMapError } from './errors.js';
import { resolveRedirectOrigins } from './redirect-policy.js';
import { resolveServiceMapUrl, type ServiceMapTarget } from './url.js';

/** Timer functions, injectable for tests. Defaults to the global `setTimeout`/`clearTimeout`. */
export interface ServiceMapTimers {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Options for checking a map's text: keys and the time rules. */
export interface VerifyServiceMapOptions {
  /** The HMAC key (`CONNECTORS_SIGNATURE_KEY`). Combined with `signatureKeys`; at least one key overall. */
  readonly signatureKey?: string | undefined;
  /** Several keys during rotation; any one verifies. */
  readonly signatureKeys?: readonly string[] | undefined;
  /**
   * Epoch ms of the newest `generatedAt` accepted before. An older map is a rollback or replay and is rejected
   * (`stale_replay`); an equal one is a refresh of the same map and is accepted.
   */
  readonly notBefore?: number | undefined;
  /** How far `generatedAt` may lie ahead of `clock()` before the map is rejected (`future`). Default 5 minutes. */
  readonly maxFutureSkewMs?: number | undefined;
  /**
   * Most connectors a map may list; a longer map is rejected (`too_many_connectors`) before validation.
   * Default 1 000.
   */
  readonly maxConnectors?: number | undefined;
  /** Epoch-ms clock. Default `Date.now`. */
  readonly clock?: (() => number) | undefined;
  /** Where the text came from; named (redacted) in error messages. */
  readonly serviceMapUrl?: string | URL | undefined;
}

/** Options for {@link loadConnectorServiceMap}. */
export interface LoadServiceMapOptions extends VerifyServiceMapOptions {
  /** `http:`, `https:` or `file:` URL of the map. Userinfo is sent as Basic auth and never shown. */
  readonly serviceMapUrl: string | URL;
  /** The undici dispatcher (e.g. the host's shared `Agent`). Default: undici's global dispatcher. */
  readonly dispatcher?: Dispatcher | undefined;
  /** Sent as `Authorization: Bearer <apiKey>` (`CONNECTORS_API_KEY`). */
  readonly apiKey?: string | undefined;
  /** Extra request headers. `apiKey` and `etag` win over the same headers here. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Budget for the whole exchange, body included. Default 10 000. */
  readonly timeoutMs?: number | undefined;
  /** Largest body accepted, in bytes (after content decoding). Default 5 MiB. */
  readonly maxBytes?: number | undefined;
  /** ETag of the map already held; sent as `If-None-Match`. A 304 then yields `{ notModified: true }`. */
  readonly etag?: string | undefined;
  /**
   * Follow HTTP redirects (at most 5). Default false: a redirect is an error (`redirect`). Even when set, a redirect
   * is refused (`unsafe_redirect`) when it leads to another origin not in `redirectOrigins`, from https to http, to
   * a scheme other than http/https, or to a private, link-local or (from a non-loopback host) loopback address.
   */
  readonly followRedirects?: boolean | undefined;
  /**
   * Origins besides `serviceMapUrl`'s that a followed redirect may lead to, e.g. `['https://cdn.example.com']`.
   * Credentials (`apiKey`, URL userinfo, `authorization`/`cookie` headers) are never sent to them.
   */
  readonly redirectOrigins?: readonly (string | URL)[] | undefined;
  /** Cancels the load (`aborted`). */
  readonly signal?: AbortSignal | undefined;
  /** Timer functions for the timeout. Default: the globals. */
  readonly timers?: ServiceMapTimers | undefined;
}

/** Verification settings after defaults and checks. */
export interface ResolvedVerifyOptions {
  readonly keys: readonly string[];
  readonly notBefore: number | undefined;
  readonly maxFutureSkewMs: number;
  readonly maxConnectors: number;
  readonly clock: () => number;
  readonly displayUrl: string | undefined;
}

/** Load settings after defaults and checks. */
export interface ResolvedLoadOptions extends ResolvedVerifyOptions {
  readonly target: ServiceMapTarget;
  readonly displayUrl: string;
  readonly dispatcher: Dispatcher | undefined;
  readonly headers: Headers;
  readonly apiKeySent: boolean;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly etag: string | undefined;
  readonly followRedirects: boolean;
  readonly trustedOrigins: ReadonlySet<string>;
  readonly signal: AbortSignal | undefined;
  readonly timers: ServiceMapTimers;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
const DEFAULT_MAX_FUTURE_SKEW_MS = 5 * 60_000;
// Real maps list tens of connectors; each one costs validation, a connection and tool discovery in the host.
const DEFAULT_MAX_CONNECTORS = 1_000;
// setTimeout turns longer delays into 1 ms.
const MAX_TIMER_DELAY_MS = 2_147_483_647;

const defaultTimers: ServiceMapTimers = {
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

function invalid(displayUrl: string | undefined, problem: string): ServiceMapError {
  return new ServiceMapError('invalid_options', `${describeMap(displayUrl)}: ${problem}`, {
    url: displayUrl,
  });
}

function resolveKeys(options: VerifyServiceMapOptions, displayUrl: string | undefined): string[] {
  const keys = [
    ...(options.signatureKey === undefined ? [] : [options.signatureKey]),
    ...(options.signatureKeys ?? []),
  ];
  if (keys.length === 0) {
    throw invalid(
      displayUrl,
      'no signature key given. Set signatureKey (CONNECTORS_SIGNATURE_KEY) or signatureKeys.',
    );
  }
  if (keys.some((key) => typeof key !== 'string' || key.length === 0)) {
    throw invalid(
      displayUrl,
      'a signature key is empty. Check CONNECTORS_SIGNATURE_KEY and every signatureKeys entry.',
    );
  }
  return keys;
}

function checkNumber(
  value: number | undefined,
  fallback: number,
  name: string,
  rule: { integer?: boolean; min: number; max?: number },
  displayUrl: string | undefined,
): number {
  if (value === undefined) return fallback;
  const max = rule.max ?? Number.MAX_SAFE_INTEGER;
  const ok = value >= rule.min && value <= max && (!rule.integer || Number.isInteger(value));
  if (!ok) {
    const kind = rule.integer ? 'an integer' : 'a number';
    throw invalid(displayUrl, `${name} must be ${kind} from ${rule.min} to ${max}; got ${String(value)}.`);
  }
  return value;
}

/** Applies defaults to the verification options and rejects impossible ones (`invalid_options`). */
export function resolveVerifyOptions(
  options: VerifyServiceMapOptions,
  displayUrl?: string,
): ResolvedVerifyOptions {
  if (options.notBefore !== undefined && !Number.isFinite(options.notBefore)) {
    throw invalid(displayUrl, 'notBefore must be a finite epoch-ms number.');
  }
  return {
    keys: resolveKeys(options, displayUrl),
    notBefore: options.notBefore,
    maxFutureSkewMs: checkNumber(
      options.maxFutureSkewMs,
      DEFAULT_MAX_FUTURE_SKEW_MS,
      'maxFutureSkewMs',
      { min: 0 },
      displayUrl,
    ),
    maxConnectors: checkNumber(
      options.maxConnectors,
      DEFAULT_MAX_CONNECTORS,
      'maxConnectors',
      { integer: true, min: 1 },
      displayUrl,
    ),
    clock: options.clock ?? Date.now,
    displayUrl,
  };
}

function buildHeaders(
  options: LoadServiceMapOptions,
  target: ServiceMapTarget,
  etag: string | undefined,
): Headers {
  const headers = new Headers({ accept: 'application/json' });
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    try {
      headers.set(name, value);
    } catch (cause) {
      throw new ServiceMapError(
        'invalid_options',
        `${describeMap(target.displayUrl)}: request header "${name}" has an invalid name or value. Fix options.headers.`,
        { url: target.displayUrl, cause },
      );
    }
  }
  if (options.apiKey !== undefined) headers.set('authorization', `Bearer ${options.apiKey}`);
  else if (target.basicAuthorization !== undefined && !headers.has('authorization')) {
    headers.set('authorization', target.basicAuthorization);
  }
  if (etag !== undefined) headers.set('if-none-match', etag);
  return headers;
}

// undici would reject control characters with a message that may quote the value (a secret): check first.
function hasControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function checkHeaderSecret(value: string | undefined, name: string, displayUrl: string): void {
  if (value === undefined) return;
  if (value.length === 0 || hasControlCharacter(value)) {
    throw invalid(
      displayUrl,
      `${name} is empty or contains control characters. Check its source (e.g. the env var).`,
    );
  }
}

/** Applies defaults to the load options and rejects impossible ones (`invalid_options`) before any I/O. */
export function resolveLoadOptions(options: LoadServiceMapOptions): ResolvedLoadOptions {
  const target = resolveServiceMapUrl(options.serviceMapUrl);
  const { displayUrl } = target;
  checkHeaderSecret(options.apiKey, 'apiKey (CONNECTORS_API_KEY)', displayUrl);
  const etag = options.etag === '' ? undefined : options.etag;
  checkHeaderSecret(etag, 'etag', displayUrl);
  return {
    ...resolveVerifyOptions(options, displayUrl),
    target,
    displayUrl,
    dispatcher: options.dispatcher,
    headers: buildHeaders(options, target, etag),
    apiKeySent: options.apiKey !== undefined,
    timeoutMs: checkNumber(
      options.timeoutMs,
      DEFAULT_TIMEOUT_MS,
      'timeoutMs',
      { min: 1, max: MAX_TIMER_DELAY_MS },
      displayUrl,
    ),
    maxBytes: checkNumber(
      options.maxBytes,
      DEFAULT_MAX_BYTES,
      'maxBytes',
      { integer: true, min: 1 },
      displayUrl,
    ),
    etag,
    followRedirects: options.followRedirects ?? false,
    trustedOrigins: resolveRedirectOrigins(options.redirectOrigins, displayUrl),
    signal: options.signal,
    timers: options.timers ?? defaultTimers,
  };
}
