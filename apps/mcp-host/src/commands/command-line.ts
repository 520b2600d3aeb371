import { parseArgs } from 'node:util';
import type { HostConfigCommand } from '../settings/index.js';
import {
  describeSettingFlag,
  type FlagDescription,
  flagOptions,
  flagParseError,
  HostConfigError,
  settingsForCommand,
} from '../settings/index.js';

/** A flag of the command itself (not a setting). */
export interface OwnFlag {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  /** What the value must be, for messages (string flags). */
  readonly expects?: string;
}

/** The command line of a utility command, split into its own flags, its arguments and the setting flags. */
export interface ParsedCommandLine {
  /** Values of the command's own flags (`string[]` for `multiple` flags). */
  readonly values: Readonly<Record<string, string | boolean | string[] | boolean[] | undefined>>;
  /** Arguments before `--`. */
  readonly positionals: readonly string[];
  /** Arguments after `--`, passed on verbatim. */
  readonly afterTerminator: readonly string[];
  /** The setting flags, as argv for `loadHostConfig`. */
  readonly configArgv: readonly string[];
}

/**
 * Parses `argv` strictly with the command's own flags plus the setting flags it accepts (`--config`, …).
 *
 * @throws HostConfigError for an unknown flag or a flag without its value.
 */
export function parseCommandLine(
  command: HostConfigCommand,
  argv: readonly string[],
  ownFlags: Readonly<Record<string, OwnFlag>>,
): ParsedCommandLine {
  const settings = settingsForCommand(command);
  const settingOptions = flagOptions(settings);
  const options = { ...settingOptions, ...ownFlags };
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; tokens: true; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true, tokens: true });
  } catch (error) {
    throw flagParseError(
      error,
      command,
      (flag) => describeOwnFlag(flag, ownFlags) ?? describeSettingFlag(flag, settings),
    );
  }
  const values: Record<string, string | boolean | string[] | boolean[] | undefined> = {};
  const configArgv: string[] = [];
  const positionals: string[] = [];
  const afterTerminator: string[] = [];
  let terminated = false;
  for (const token of parsed.tokens) {
    if (token.kind === 'option-terminator') terminated = true;
    else if (token.kind === 'positional') (terminated ? afterTerminator : positionals).push(token.value);
    // "--name=value" keeps a value that starts with "-" from being read as a flag when parsed again.
    else if (Object.hasOwn(settingOptions, token.name))
      configArgv.push(token.value === undefined ? `--${token.name}` : `--${token.name}=${token.value}`);
  }
  for (const name of Object.keys(ownFlags)) values[name] = parsed.values[name];
  return { values, positionals, afterTerminator, configArgv };
}

function describeOwnFlag(
  flag: string,
  ownFlags: Readonly<Record<string, OwnFlag>>,
): FlagDescription | undefined {
  const own = ownFlags[flag.replace(/^--?/, '')];
  if (own === undefined) return undefined;
  return { expects: own.type === 'string' ? (own.expects ?? 'a value') : undefined };
}

/**
 * Checks the number of arguments a command got.
 *
 * @throws HostConfigError `missing_value` (too few) or `unexpected_argument` (too many), naming the usage.
 */
export function expectPositionals(
  positionals: readonly string[],
  names: readonly string[],
  usage: string,
): void {
  if (positionals.length < names.length) {
    const missing = names[positionals.length] as string;
    throw new HostConfigError('missing_value', `Missing ${missing}. Usage: ${usage}`);
  }
  if (positionals.length > names.length) {
    throw new HostConfigError(
      'unexpected_argument',
      `Unexpected argument ${JSON.stringify(positionals[names.length])}. Usage: ${usage}`,
    );
  }
}
