import { parseArgs } from 'node:util';
import { textToList } from './coerce.js';
import { describeSource, HostConfigError, type HostConfigSource } from './errors.js';
import { type FlagDescription, flagParseError } from './flag-errors.js';
import { type HostConfigCommand, type HostSetting, type HostSettingKey, hostSettings } from './settings.js';

/** A value as one source gave it (text from flags and environment, JSON from the file), and that source. */
export interface RawSetting {
  readonly value: unknown;
  readonly source: HostConfigSource;
}

/** Values found in one source, by setting. */
export type RawSettings = Map<HostSettingKey, RawSetting>;

// Cortex-OS's single key is used verbatim; only the rotation list is split on commas.
const SINGLE_KEY_ENV = 'CONNECTORS_SIGNATURE_KEY';

/** `parseArgs` option definitions for setting flags (each given once: the last occurrence wins). */
export type FlagOptions = Record<string, { type: 'string' | 'boolean' }>;

// The commands beside the host itself take only the setting flags that matter to them.
const FLAGS_OF_UTILITY_COMMANDS: Partial<Record<HostConfigCommand, readonly HostSettingKey[]>> = {
  sign: ['configFile'],
  verify: ['configFile', 'mapTimeoutMs', 'mapMaxBytes'],
  servers: ['configFile', 'registryPath'],
  // status only needs where the running host listens (the default --url).
  status: ['configFile', 'host', 'port'],
};

/** The settings whose flags `command` accepts. */
export function settingsForCommand(command: HostConfigCommand): HostSetting[] {
  const only = FLAGS_OF_UTILITY_COMMANDS[command];
  return hostSettings.filter((setting) =>
    only === undefined
      ? setting.commands === undefined || setting.commands.includes(command)
      : only.includes(setting.key),
  );
}

/** The `parseArgs` options for the flags of `settings` (shortcuts included). */
export function flagOptions(settings: readonly HostSetting[]): FlagOptions {
  const options: FlagOptions = {};
  for (const setting of settings) {
    if (setting.flag) options[setting.flag.name.slice(2)] = { type: setting.flag.kind };
    for (const shortcut of setting.shortcuts ?? []) options[shortcut.flag.slice(2)] = { type: 'boolean' };
  }
  return options;
}

/**
 * Parses the flags of `command` (strictly: an unknown flag or a stray argument is an error).
 *
 * @throws HostConfigError `unknown_flag`, `missing_value`, `unexpected_argument`, `invalid_value` (conflicting flags).
 */
export function readFlags(argv: readonly string[], command: HostConfigCommand): RawSettings {
  const settings = settingsForCommand(command);
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: flagOptions(settings), strict: true }));
  } catch (error) {
    throw flagParseError(error, command, (flag) => describeSettingFlag(flag, settings));
  }
  const found: RawSettings = new Map();
  for (const setting of settings) {
    const fromFlag = setting.flag ? values[setting.flag.name.slice(2)] : undefined;
    if (setting.flag && fromFlag !== undefined) {
      found.set(setting.key, { value: fromFlag, source: { kind: 'flag', flag: setting.flag.name } });
    }
    for (const shortcut of setting.shortcuts ?? []) {
      if (values[shortcut.flag.slice(2)] !== true) continue;
      const earlier = found.get(setting.key);
      if (earlier !== undefined && earlier.value !== shortcut.value) {
        throw new HostConfigError(
          'invalid_value',
          `Conflicting flags for ${setting.key}: ${describeSource(earlier.source)} says ${JSON.stringify(earlier.value)} but ${shortcut.flag} means "${shortcut.value}"; pass only one.`,
          { setting: setting.key, source: { kind: 'flag', flag: shortcut.flag } },
        );
      }
      found.set(setting.key, { value: shortcut.value, source: { kind: 'flag', flag: shortcut.flag } });
    }
  }
  return found;
}

/** How a setting flag is named in messages: its setting and what it expects. */
export function describeSettingFlag(
  flag: string,
  settings: readonly HostSetting[],
): FlagDescription | undefined {
  const setting = settings.find((candidate) => candidate.flag?.name === flag);
  if (setting === undefined) return undefined;
  return { setting: setting.key, expects: setting.flag?.kind === 'string' ? setting.type : undefined };
}

/** Reads every setting's environment variables. Unset and blank variables count as absent. */
export function readEnvironment(env: Readonly<Record<string, string | undefined>>): RawSettings {
  const found: RawSettings = new Map();
  for (const setting of hostSettings) {
    const names = setting.env.filter((name) => (env[name] ?? '').trim() !== '');
    if (names.length === 0) continue;
    const value = setting.key === 'signatureKeys' ? mergedKeys(names, env) : env[names[0] as string];
    found.set(setting.key, { value, source: { kind: 'env', names } });
  }
  return found;
}

function mergedKeys(names: readonly string[], env: Readonly<Record<string, string | undefined>>): string[] {
  const keys = names.flatMap((name) => {
    const value = env[name] as string;
    return name === SINGLE_KEY_ENV ? [value] : (textToList(value) as string[]);
  });
  return [...new Set(keys)];
}

/**
 * Reads the JSON config file: an object whose keys are setting names. `null` values count as absent.
 *
 * @throws HostConfigError `unreadable_file`, `invalid_file`, `unknown_key`.
 */
export function readConfigFile(
  path: string,
  readFile: (path: string) => string,
  namedBy: HostConfigSource,
): RawSettings {
  const document = parseJson(readText(path, readFile, namedBy), path);
  const fileKeys = new Map(
    hostSettings.flatMap((setting) => (setting.fileKey ? [[setting.fileKey, setting.key] as const] : [])),
  );
  const unknown = Object.keys(document).filter((key) => !fileKeys.has(key as HostSettingKey));
  if (unknown.length > 0) throw unknownKeys(unknown, path, [...fileKeys.keys()]);
  const found: RawSettings = new Map();
  for (const [fileKey, value] of Object.entries(document)) {
    if (value === null) continue;
    const key = fileKeys.get(fileKey as HostSettingKey) as HostSettingKey;
    found.set(key, { value, source: { kind: 'file', path, key: fileKey } });
  }
  return found;
}

function readText(path: string, readFile: (path: string) => string, namedBy: HostConfigSource): string {
  try {
    return readFile(path);
  } catch (error) {
    const reason = (error as { code?: unknown }).code ?? (error as Error).message;
    throw new HostConfigError(
      'unreadable_file',
      `Cannot read config file ${path} (from ${describeSource(namedBy)}): ${String(reason)}. Check the path and its permissions.`,
      { setting: 'configFile', source: namedBy, cause: error },
    );
  }
}

function parseJson(text: string, path: string): Record<string, unknown> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new HostConfigError(
      'invalid_file',
      `Config file ${path} is not valid JSON (${(error as Error).message}). Fix the file.`,
      { setting: 'configFile', cause: error },
    );
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new HostConfigError(
      'invalid_file',
      `Config file ${path} must hold a JSON object whose keys are setting names, such as {"port": 3000}.`,
      { setting: 'configFile' },
    );
  }
  return document as Record<string, unknown>;
}

function unknownKeys(unknown: readonly string[], path: string, allowed: readonly string[]): HostConfigError {
  const simplify = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');
  const named = unknown.map((key) => {
    const match = allowed.find((candidate) => simplify(candidate) === simplify(key));
    return match ? `${JSON.stringify(key)} (did you mean "${match}"?)` : JSON.stringify(key);
  });
  return new HostConfigError(
    'unknown_key',
    `Config file ${path} has unknown key${unknown.length > 1 ? 's' : ''} ${named.join(', ')}; allowed keys: ${allowed.join(', ')}.`,
    { source: { kind: 'file', path, key: unknown[0] as string } },
  );
}
