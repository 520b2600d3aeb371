import {
  loadConnectorServiceMap,
  ServiceMapError,
  type ServiceMapErrorCode,
  type ServiceMapLoaded,
  type ServiceMapPayload,
  verifyServiceMapSignature,
} from '@cortex-mcp/service-map-loader';
import type { Dispatcher } from 'undici';
import type { HostConfig } from '../../config/index.js';
import { formatDuration, printable, printableUrl } from '../format.js';
import { check, type DoctorCheck } from './check.js';

/** What the map checks need besides the configuration. */
export interface MapCheckDeps {
  /** Carries the map request (the host's upstream pool). */
  readonly dispatcher: Dispatcher;
  /** Epoch-ms clock. */
  readonly clock: () => number;
}

/** The three map checks (reachability, signature, expiry) and the verified map, when there is one. */
export interface MapCheckResult {
  readonly checks: readonly DoctorCheck[];
  /** The verified map's payload; undefined when there is no map URL or the map failed a check. */
  readonly map: ServiceMapPayload | undefined;
}

// Codes that mean the map was fetched but is not a map the host may use: reachability passed, the content did not.
const CONTENT_CODES = new Set<ServiceMapErrorCode>([
  'parse',
  'ambiguous_json',
  'schema',
  'too_many_connectors',
  'signature',
  'stale_replay',
  'future',
]);

const SIGNATURE_FIX =
  'Set CONNECTORS_SIGNATURE_KEY to the key the map was signed with (during a rotation, list the old and new keys in CONNECTORS_SIGNATURE_KEYS).';

/**
 * Loads the configured map once through the service-map loader, with the host's time and size limits, and reports
 * reachability, signature (which configured key verified it) and expiry as three checks.
 */
export async function checkServiceMap(config: HostConfig, deps: MapCheckDeps): Promise<MapCheckResult> {
  const url = config.serviceMapUrl;
  if (url === undefined) {
    const none = 'no service map configured (CONNECTORS_SERVICE_MAP_URL): registry-file servers only';
    return {
      checks: [
        check('map', 'service map', 'skip', none),
        check('signature', 'map signature', 'skip', 'no service map'),
        check('expiry', 'map expiry', 'skip', 'no service map'),
      ],
      map: undefined,
    };
  }
  const shown = printableUrl(url);
  const startedAtMs = deps.clock();
  let loaded: ServiceMapLoaded;
  try {
    // No etag is sent, so the loader never answers "not modified".
    loaded = (await loadConnectorServiceMap({
      serviceMapUrl: url,
      dispatcher: deps.dispatcher,
      signatureKeys: config.signatureKeys,
      apiKey: config.apiKey,
      timeoutMs: config.mapTimeoutMs,
      maxBytes: config.mapMaxBytes,
    })) as ServiceMapLoaded;
  } catch (error) {
    if (!(error instanceof ServiceMapError)) throw error;
    return { checks: failedLoad(error, shown, deps.clock() - startedAtMs), map: undefined };
  }
  const durationMs = deps.clock() - startedAtMs;
  const count = loaded.payload.connectors.length;
  return {
    checks: [
      check('map', 'service map', 'ok', `fetched ${shown} in ${durationMs} ms: ${count} connector(s)`, {
        durationMs,
      }),
      check('signature', 'map signature', 'ok', signatureDetail(loaded, config.signatureKeys)),
      expiryCheck(loaded, deps.clock()),
    ],
    map: loaded.payload,
  };
}

function failedLoad(error: ServiceMapError, shown: string, durationMs: number): DoctorCheck[] {
  const message = `${error.message.replace(/\.$/, '')} (code ${error.code})`;
  if (!CONTENT_CODES.has(error.code)) {
    return [
      check('map', 'service map', 'fail', message, { fix: reachabilityFix(error.code, shown), durationMs }),
      check('signature', 'map signature', 'skip', 'the map could not be fetched'),
      check('expiry', 'map expiry', 'skip', 'the map could not be fetched'),
    ];
  }
  const reached = check('map', 'service map', 'ok', `fetched ${shown} in ${durationMs} ms`, { durationMs });
  const fix = error.code === 'signature' ? SIGNATURE_FIX : contentFix(error.code);
  return [
    reached,
    check('signature', 'map signature', 'fail', message, { fix }),
    check('expiry', 'map expiry', 'skip', 'the map was not verified'),
  ];
}

function reachabilityFix(code: ServiceMapErrorCode, shown: string): string {
  switch (code) {
    case 'unauthorized':
      return 'Set CONNECTORS_API_KEY to a key the map endpoint accepts.';
    case 'timeout':
      return `Check that ${shown} answers, or raise MCP_SERVICE_MAP_TIMEOUT_MS.`;
    case 'too_large':
      return 'Check CONNECTORS_SERVICE_MAP_URL points at the map, or raise MCP_SERVICE_MAP_MAX_BYTES.';
    case 'file':
      return 'Check the file path in CONNECTORS_SERVICE_MAP_URL and that this user may read it.';
    case 'redirect':
    case 'unsafe_redirect':
      return 'Point CONNECTORS_SERVICE_MAP_URL at the final URL of the map.';
    default:
      return `Check that the map server runs and CONNECTORS_SERVICE_MAP_URL (${shown}) is right.`;
  }
}

function contentFix(code: ServiceMapErrorCode): string {
  if (code === 'future') return "Check the clocks of the map's producer and of this machine.";
  if (code === 'parse')
    return 'Check that CONNECTORS_SERVICE_MAP_URL serves the map, not a proxy or error page.';
  return "Fix the map's producer (mcp-host verify <url> shows the same error).";
}

/** Which configured key verified the map: operators rotating keys want to know when the old one can go. */
function signatureDetail(loaded: ServiceMapLoaded, keys: readonly string[]): string {
  const document = JSON.parse(loaded.text) as object;
  const index = keys.findIndex((key) => verifyServiceMapSignature(document, [key]));
  const which = keys.length > 1 ? `key ${index + 1} of ${keys.length}` : 'the configured key';
  return `map ${printable(loaded.payload.id)} verified with ${which}`;
}

function expiryCheck(loaded: ServiceMapLoaded, nowMs: number): DoctorCheck {
  const expiresAt = new Date(loaded.expiresAtMs).toISOString();
  if (loaded.expiresAtMs > nowMs) {
    return check(
      'expiry',
      'map expiry',
      'ok',
      `fresh: expires ${expiresAt} (in ${formatDuration(loaded.expiresAtMs - nowMs)})`,
    );
  }
  return check(
    'expiry',
    'map expiry',
    'warn',
    `expired ${formatDuration(nowMs - loaded.expiresAtMs)} ago (${expiresAt}); the host serves it as stale`,
    { fix: "Republish the map with a newer generatedAt (check the map producer's schedule)." },
  );
}
