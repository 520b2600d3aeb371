import type { ServerInfoInput } from '@cortex-mcp/registry-fs-store';
import { HostConfigError } from '../settings/index.js';
import type { OwnFlag } from './command-line.js';

/** The flags of `mcp-host servers add`. */
export const ADD_FLAGS = {
  command: { type: 'string', expects: 'the program to start' },
  arg: { type: 'string', multiple: true, expects: 'one argument for the command' },
  env: { type: 'string', multiple: true, expects: 'KEY=VALUE' },
  cwd: { type: 'string', expects: 'a directory' },
  url: { type: 'string', expects: 'an http: or https: URL' },
  transport: { type: 'string', expects: 'streamable-http or sse' },
  header: { type: 'string', multiple: true, expects: 'Name:Value' },
  disabled: { type: 'boolean' },
  replace: { type: 'boolean' },
} as const satisfies Record<string, OwnFlag>;

/** What `servers add` parsed: its flags and the arguments after `--`. */
export interface AddServerFlags {
  readonly name: string;
  readonly values: Readonly<Record<string, unknown>>;
  readonly extraArgs: readonly string[];
}

const STDIO_ONLY = ['arg', 'env', 'cwd'] as const;
const REMOTE_ONLY = ['transport', 'header'] as const;
const REMOTE_TRANSPORTS = new Set(['streamable-http', 'sse']);

/**
 * Builds the registry entry `servers add` describes. Checks the flag combinations here; the entry itself is
 * validated by the registry (`ServerInfoSchema`).
 *
 * @throws HostConfigError when the flags do not describe one stdio or one remote server.
 */
export function serverFromFlags({ name, values, extraArgs }: AddServerFlags): ServerInfoInput {
  const command = values.command as string | undefined;
  const url = values.url as string | undefined;
  const enabled = values.disabled !== true;
  if (command !== undefined && url !== undefined) {
    throw new HostConfigError(
      'unexpected_argument',
      'Pass either --command (a stdio server) or --url (a remote server), not both.',
    );
  }
  if (command === undefined && url === undefined) {
    throw new HostConfigError(
      'missing_value',
      'Pass --command <cmd> for a stdio server or --url <url> for a remote one.',
    );
  }
  if (command !== undefined) {
    refuseFlags(values, REMOTE_ONLY, '--url');
    const args = [...((values.arg as string[] | undefined) ?? []), ...extraArgs];
    const env =
      values.env === undefined ? undefined : pairs(values.env as string[], '=', '--env', 'KEY=VALUE');
    const cwd = values.cwd as string | undefined;
    return {
      name,
      transport: 'stdio',
      command,
      enabled,
      ...(args.length > 0 ? { args } : {}),
      ...(env ? { env } : {}),
      ...(cwd === undefined ? {} : { cwd }),
    };
  }
  refuseFlags(values, STDIO_ONLY, '--command');
  if (extraArgs.length > 0) {
    throw new HostConfigError(
      'unexpected_argument',
      'Arguments after "--" are for --command servers, not --url ones.',
    );
  }
  const transport = (values.transport as string | undefined) ?? 'streamable-http';
  if (!REMOTE_TRANSPORTS.has(transport)) {
    throw new HostConfigError(
      'invalid_value',
      `--transport must be streamable-http or sse, got ${JSON.stringify(transport)}.`,
    );
  }
  const headers =
    values.header === undefined ? undefined : pairs(values.header as string[], ':', '--header', 'Name:Value');
  return {
    name,
    transport: transport as 'streamable-http' | 'sse',
    url: url as string,
    enabled,
    ...(headers ? { headers } : {}),
  };
}

function refuseFlags(
  values: Readonly<Record<string, unknown>>,
  flags: readonly string[],
  kind: string,
): void {
  const used = flags.find((flag) => values[flag] !== undefined);
  if (used !== undefined) {
    throw new HostConfigError('unexpected_argument', `--${used} does not apply to a ${kind} server.`);
  }
}

/** "K=V" items into a record. A malformed item is named by position, never quoted: it may hold a secret. */
function pairs(
  items: readonly string[],
  separator: string,
  flag: string,
  shape: string,
): Record<string, string> {
  const record: Record<string, string> = {};
  items.forEach((item, index) => {
    const at = item.indexOf(separator);
    const key = at === -1 ? '' : item.slice(0, at).trim();
    if (key === '') {
      throw new HostConfigError(
        'invalid_value',
        `${flag} #${index + 1} must look like ${shape} (value not shown: it may be a secret).`,
      );
    }
    record[key] = separator === ':' ? item.slice(at + 1).trim() : item.slice(at + 1);
  });
  return record;
}
