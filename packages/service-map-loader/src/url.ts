import { fileURLToPath } from 'node:url';
import { describeMap, ServiceMapError } from './errors.js';

/** Where a service map is read from, split into what we request and what we may show. */
export interface ServiceMapTarget {
  /** The URL to request: credentials removed (undici refuses URLs that carry them). */
  readonly url: URL;
  /** The URL for messages: no credentials, no query string (tokens live there), no fragment. */
  readonly displayUrl: string;
  /** `Basic …` built from the URL's userinfo, if it had any. */
  readonly basicAuthorization: string | undefined;
  /** The local path, for `file:` URLs. */
  readonly filePath: string | undefined;
}

const SUPPORTED_PROTOCOLS = new Set(['http:', 'https:', 'file:']);

/**
 * Returns the URL without userinfo, query string or fragment, safe for messages and logs.
 * Unparseable input yields a placeholder rather than the raw text, which may hold secrets.
 */
export function redactUrl(url: string | URL, base?: URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url, base);
  } catch {
    return '<invalid URL>';
  }
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  return parsed.href;
}

/** Parses and checks `serviceMapUrl`; throws `invalid_options` without echoing the raw input. */
export function resolveServiceMapUrl(input: string | URL): ServiceMapTarget {
  let url: URL;
  try {
    url = new URL(input);
  } catch (cause) {
    throw new ServiceMapError(
      'invalid_options',
      'Service map: serviceMapUrl is not an absolute URL. Set it to an http:, https: or file: URL.',
      { cause },
    );
  }
  const displayUrl = redactUrl(url);
  if (!SUPPORTED_PROTOCOLS.has(url.protocol)) {
    throw new ServiceMapError(
      'invalid_options',
      `${describeMap(displayUrl)}: the ${url.protocol} scheme is not supported. Use http:, https: or file:.`,
      { url: displayUrl },
    );
  }
  const basicAuthorization = takeBasicAuthorization(url);
  return { url, displayUrl, basicAuthorization, filePath: toFilePath(url, displayUrl) };
}

function takeBasicAuthorization(url: URL): string | undefined {
  if (url.username === '' && url.password === '') return undefined;
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

function toFilePath(url: URL, displayUrl: string): string | undefined {
  if (url.protocol !== 'file:') return undefined;
  try {
    return fileURLToPath(url);
  } catch (cause) {
    throw new ServiceMapError(
      'invalid_options',
      `${describeMap(displayUrl)}: not a local file URL. Use file:///absolute/path/to/map.json.`,
      { url: displayUrl, cause },
    );
  }
}
