import type { HostSettingKey } from './settings.js';

/**
 * Why the configuration was refused:
 * - `invalid_value`: a setting's value is not allowed (the message names the setting, its source and what is allowed).
 * - `missing_value`: a setting another one needs is unset (signature keys for a service map), or a flag lacks its value.
 * - `unknown_key`: the config file has keys that are not setting names.
 * - `unknown_flag`: the command line has a flag the command does not know.
 * - `unexpected_argument`: the command line has an argument the command does not take.
 * - `unreadable_file`: the config file could not be read.
 * - `invalid_file`: the config file is not a JSON object.
 * - `unsafe_bind`: `serve`/`demo` would listen on a non-loopback address with no client authentication.
 */
export type HostConfigErrorCode =
  | 'invalid_value'
  | 'missing_value'
  | 'unknown_key'
  | 'unknown_flag'
  | 'unexpected_argument'
  | 'unreadable_file'
  | 'invalid_file'
  | 'unsafe_bind';

/** Where a value came from. */
export type HostConfigSource =
  | { readonly kind: 'flag'; readonly flag: string }
  | { readonly kind: 'env'; readonly names: readonly string[] }
  | { readonly kind: 'file'; readonly path: string; readonly key: string };

/** Details attached to a {@link HostConfigError}. */
export interface HostConfigErrorDetails {
  /** The setting concerned, when there is one. */
  readonly setting?: HostSettingKey | undefined;
  /** Where the offending value came from. */
  readonly source?: HostConfigSource | undefined;
  /** The underlying error (a file-system or JSON error). */
  readonly cause?: unknown;
}

/**
 * The one error the configuration loader throws. Its message is one line: the setting, where the value came from
 * (flag, environment variable or config file) and what is allowed. Secret values are never quoted.
 */
export class HostConfigError extends Error {
  override readonly name = 'HostConfigError';
  /** What went wrong; see {@link HostConfigErrorCode}. */
  readonly code: HostConfigErrorCode;
  /** The setting concerned, if any. */
  readonly setting: HostSettingKey | undefined;
  /** Where the offending value came from, if known. */
  readonly source: HostConfigSource | undefined;

  constructor(code: HostConfigErrorCode, message: string, details: HostConfigErrorDetails = {}) {
    // One line, whatever the parts contained: the CLI prints the message as is.
    super(oneLine(message), details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.setting = details.setting;
    this.source = details.source;
  }
}

/** "flag --port", "environment variable MCP_HOST_PORT", "config file /etc/mcp.json (key "port")". */
export function describeSource(source: HostConfigSource): string {
  switch (source.kind) {
    case 'flag':
      return `flag ${source.flag}`;
    case 'env':
      return source.names.length === 1
        ? `environment variable ${source.names[0]}`
        : `environment variables ${source.names.join(' and ')}`;
    case 'file':
      return `config file ${source.path} (key "${source.key}")`;
  }
}

const MAX_QUOTED_LENGTH = 80;

/** Quotes a value for a message: JSON-escaped (so it stays on one line) and shortened; secrets are hidden. */
export function quoteValue(value: unknown, secret: boolean): string {
  if (secret) return '(value hidden)';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_QUOTED_LENGTH ? `${text.slice(0, MAX_QUOTED_LENGTH - 1)}…` : text;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
