import type { HostConfig } from '../../config/index.js';
import { loadHostConfig } from '../../config/index.js';
import { HostConfigError } from '../../settings/index.js';
import { type CommandEnv, type CommandIo, EXIT_FAILURE, EXIT_OK, reportFailure } from '../command.js';
import { expectPositionals, type OwnFlag, parseCommandLine } from '../command-line.js';
import { printableUrl } from '../format.js';
import { parseTimeoutFlag, TIMEOUT_FLAG } from '../timeout-flag.js';
import { fetchHostStatus, StatusFetchError } from './fetch-status.js';
import { formatHostStatus } from './format.js';

const FLAGS = {
  url: { type: 'string', expects: 'the http(s) address of a running host, e.g. http://127.0.0.1:3000' },
  json: { type: 'boolean' },
  'timeout-ms': TIMEOUT_FLAG,
} as const satisfies Record<string, OwnFlag>;

const DEFAULT_TIMEOUT_MS = 5_000;

/** Options beyond the command line, for tests. */
export interface StatusCommandOptions {
  /** Epoch-ms clock for "ago" and "in" texts. Default `Date.now`. */
  readonly clock?: () => number;
}

/**
 * `mcp-host status [--url <url>] [--json]`: GETs a running host's `/status` (default: the configured bind address
 * and port) and prints a summary, or the document itself with `--json`. Resolves with 1 when no host answers.
 *
 * @throws HostConfigError for a bad command line or configuration.
 */
export async function runStatus(
  argv: readonly string[],
  io: CommandIo,
  env: CommandEnv,
  options: StatusCommandOptions = {},
): Promise<number> {
  const line = parseCommandLine('status', argv, FLAGS);
  expectPositionals(line.positionals, [], 'mcp-host status [--url <url>] [--json]');
  const timeoutMs = parseTimeoutFlag(line.values['timeout-ms'] as string | undefined, DEFAULT_TIMEOUT_MS);
  const base =
    (line.values.url as string | undefined) ??
    defaultUrl(loadHostConfig({ argv: line.configArgv, env, command: 'status' }));
  const statusUrl = toStatusUrl(base);
  try {
    const { status, text } = await fetchHostStatus(statusUrl, timeoutMs);
    if (line.values.json === true) io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    else
      io.stdout.write(
        formatHostStatus(status, printableUrl(new URL('/', statusUrl).href), (options.clock ?? Date.now)()),
      );
    return EXIT_OK;
  } catch (error) {
    if (!(error instanceof StatusFetchError)) throw error;
    reportFailure(io, 'status', error.message);
    return EXIT_FAILURE;
  }
}

/** Where `mcp-host serve` with this configuration listens; a wildcard bind address is reached over loopback. */
export function defaultUrl(config: HostConfig): string {
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '::1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

/** The `/status` URL of a host address; a URL already ending in /status is kept. */
function toStatusUrl(base: string): string {
  let url: URL | undefined;
  try {
    url = new URL(base);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new HostConfigError(
      'invalid_value',
      `Invalid --url ${JSON.stringify(printableUrl(base))}: expected the http(s) address of a running host, e.g. http://127.0.0.1:3000.`,
    );
  }
  return url.pathname.replace(/\/+$/, '').endsWith('/status') ? url.href : new URL('/status', url).href;
}
