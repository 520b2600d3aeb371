import type { HostConfig } from '../../config/index.js';
import { loadHostConfig } from '../../config/index.js';
import { HostConfigError, hostSetting } from '../../settings/index.js';
import type { CommandEnv } from '../command.js';
import { printableUrl } from '../format.js';
import { check, type DoctorCheck } from './check.js';

/** The configuration check's outcome: the check, and the configuration when it is valid. */
export interface ConfigCheckResult {
  readonly check: DoctorCheck;
  readonly config: HostConfig | undefined;
}

/**
 * Loads and validates the configuration exactly as `mcp-host serve` does (flags, environment, config file,
 * defaults). A refusal becomes a failed check naming the setting and where to set it, instead of an exception.
 */
export function checkConfiguration(
  argv: readonly string[],
  env: CommandEnv,
  cwd?: string,
): ConfigCheckResult {
  let config: HostConfig;
  try {
    config = loadHostConfig({ argv, env, cwd, command: 'doctor' });
  } catch (error) {
    if (!(error instanceof HostConfigError)) throw error;
    return {
      check: check('config', 'configuration', 'fail', error.message, { fix: fixFor(error) }),
      config: undefined,
    };
  }
  return { check: check('config', 'configuration', 'ok', describeConfig(config)), config };
}

function describeConfig(config: HostConfig): string {
  const parts = [
    config.configFile === undefined ? 'no config file' : `config file ${config.configFile}`,
    config.serviceMapUrl === undefined
      ? 'no service map (registry-file servers only)'
      : `service map ${printableUrl(config.serviceMapUrl)} with ${config.signatureKeys.length} signature key(s)`,
    config.apiKey === undefined ? 'no API key' : 'API key set',
    config.transport === 'stdio' ? 'serves over stdio' : `serves on ${config.host}:${config.port}`,
  ];
  return `valid: ${parts.join(', ')}`;
}

/** Where to set the setting the error names; the error's own message already says what is allowed. */
function fixFor(error: HostConfigError): string {
  if (error.setting === undefined || error.setting === 'configFile') {
    return error.code === 'unknown_key' || error.code === 'invalid_file'
      ? 'Fix the config file named above (keys are the setting names in docs/configuration.md).'
      : 'Check the config file path (--config / MCP_HOST_CONFIG) and its permissions.';
  }
  const setting = hostSetting(error.setting);
  const places = [
    setting.env.join(' or '),
    setting.flag === undefined ? undefined : `flag ${setting.flag.name}`,
    setting.fileKey === undefined ? undefined : `"${setting.fileKey}" in the config file`,
  ].filter((place) => place !== undefined);
  return `Set ${places.join(', ')} to ${setting.type}.`;
}
