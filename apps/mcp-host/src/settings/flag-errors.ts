import { HostConfigError } from './errors.js';
import type { HostSettingKey } from './settings.js';

/** What a command knows about one of its flags, for messages. */
export interface FlagDescription {
  /** The setting the flag sets, if any. */
  readonly setting?: HostSettingKey | undefined;
  /** What value it takes ("an integer from 1 to 64"); absent for flags that take none. */
  readonly expects?: string | undefined;
}

/**
 * Turns a `node:util` `parseArgs` error into a one-line {@link HostConfigError} naming the flag and pointing at the
 * command's help. (parseArgs' own messages span several sentences and suggest `--` tricks.)
 */
export function flagParseError(
  error: unknown,
  command: string,
  describeFlag: (flag: string) => FlagDescription | undefined,
): HostConfigError {
  const code = (error as { code?: unknown }).code;
  const quoted = /'([^']+)'/.exec(error instanceof Error ? error.message : '')?.[1] ?? '';
  const flag = quoted.split(' ')[0] ?? quoted;
  const hint = `run "mcp-host ${command} --help" for the flags`;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return new HostConfigError('unknown_flag', `Unknown flag ${flag} for "mcp-host ${command}"; ${hint}.`, {
      cause: error,
    });
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return new HostConfigError(
      'unexpected_argument',
      `Unexpected argument ${JSON.stringify(quoted)} for "mcp-host ${command}" (${hint}).`,
      { cause: error },
    );
  }
  const described = describeFlag(flag);
  const wanted = described?.expects === undefined ? 'takes no value' : `needs a value: ${described.expects}`;
  const forSetting = described?.setting === undefined ? '' : ` (setting ${described.setting})`;
  // A value that starts with "-" must be attached (--arg=-y), or parseArgs reads it as the next flag.
  const attachHint =
    described?.expects === undefined ? '' : ` (a value starting with "-" goes as ${flag}=-value)`;
  return new HostConfigError('missing_value', `Flag ${flag}${forSetting} ${wanted}${attachHint}; ${hint}.`, {
    setting: described?.setting,
    source: { kind: 'flag', flag },
    cause: error,
  });
}
