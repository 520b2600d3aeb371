import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  loadConnectorServiceMap,
  ServiceMapError,
  type ServiceMapLoaded,
  verifyServiceMapSignature,
} from '@cortex-mcp/service-map-loader';
import { Agent } from 'undici';
import { loadHostConfig } from '../config/index.js';
import { HostConfigError } from '../settings/index.js';
import { type CommandEnv, type CommandIo, EXIT_FAILURE, EXIT_OK, reportFailure } from './command.js';
import { expectPositionals, parseCommandLine } from './command-line.js';
import { formatDuration, formatFields, formatTable, printable, printableUrl } from './format.js';

const USAGE = 'mcp-host verify <url|file>';
const URL_WITH_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * `mcp-host verify <url|file>`: loads a service map the way the host does and prints what it holds. Resolves with
 * 0 when the map is valid (expired maps included), 1 with the loader's message and code when it is not.
 *
 * @throws HostConfigError for a bad command line or configuration (no signature key).
 */
export async function runVerify(argv: readonly string[], io: CommandIo, env: CommandEnv): Promise<number> {
  const line = parseCommandLine('verify', argv, {});
  expectPositionals(line.positionals, ['<url|file>'], USAGE);
  const config = loadHostConfig({ argv: line.configArgv, env, command: 'verify' });
  if (config.signatureKeys.length === 0) {
    throw new HostConfigError(
      'missing_value',
      'No signature key to verify with: set CONNECTORS_SIGNATURE_KEY, or CONNECTORS_SIGNATURE_KEYS (comma-separated).',
      { setting: 'signatureKeys' },
    );
  }
  const serviceMapUrl = toServiceMapUrl(line.positionals[0] as string);
  const agent = new Agent();
  let loaded: ServiceMapLoaded;
  try {
    const result = await loadConnectorServiceMap({
      serviceMapUrl,
      dispatcher: agent,
      signatureKeys: config.signatureKeys,
      apiKey: config.apiKey,
      timeoutMs: config.mapTimeoutMs,
      maxBytes: config.mapMaxBytes,
    });
    // No etag was sent, so the loader never answers "not modified".
    loaded = result as ServiceMapLoaded;
  } catch (error) {
    if (!(error instanceof ServiceMapError)) throw error;
    reportFailure(io, 'verify', `${error.message} (code ${error.code})`);
    return EXIT_FAILURE;
  } finally {
    await agent.close();
  }
  io.stdout.write(describeMap(loaded, serviceMapUrl, config.signatureKeys, Date.now()));
  return EXIT_OK;
}

/** A URL with a scheme stays as it is (the loader judges the scheme); anything else is a local path. */
function toServiceMapUrl(target: string): string {
  return URL_WITH_SCHEME.test(target) ? target : pathToFileURL(path.resolve(target)).href;
}

function describeMap(
  loaded: ServiceMapLoaded,
  source: string,
  keys: readonly string[],
  nowMs: number,
): string {
  const { payload } = loaded;
  const keyIndex = matchingKeyIndex(loaded.text, keys);
  const expired = loaded.expiresAtMs <= nowMs;
  const expiry = expired
    ? `EXPIRED ${formatDuration(nowMs - loaded.expiresAtMs)} ago; hosts serve it as stale until a newer map arrives`
    : `in ${formatDuration(loaded.expiresAtMs - nowMs)}`;
  const enabled = payload.connectors.filter((connector) => connector.status === 'enabled').length;
  const summary = formatFields([
    ['source', printableUrl(source)],
    ['brand', printable(payload.brand)],
    ['generatedAt', new Date(loaded.generatedAtMs).toISOString()],
    ['expires', `${new Date(loaded.expiresAtMs).toISOString()} (${expiry})`],
    ['connectors', `${payload.connectors.length} (${enabled} enabled)`],
  ]);
  const rows = payload.connectors.map((connector) => [
    printable(connector.id),
    connector.status,
    printable(connector.version),
    connector.auth?.type ?? 'none',
    connector.endpoint === undefined ? '-' : printableUrl(connector.endpoint),
  ]);
  const keyNote = keys.length > 1 ? ` with key ${keyIndex + 1} of ${keys.length}` : '';
  return [
    `Service map ${printable(payload.id)} is valid (signature verified${keyNote}).\n`,
    summary,
    '\n',
    rows.length === 0 ? '' : formatTable(['ID', 'STATUS', 'VERSION', 'AUTH', 'ENDPOINT'], rows),
  ].join('');
}

/** Which key verified the map: operators rotating keys want to know when the old one is no longer needed. */
function matchingKeyIndex(text: string, keys: readonly string[]): number {
  const document = JSON.parse(text) as object;
  return keys.findIndex((key) => verifyServiceMapSignature(document, [key]));
}
