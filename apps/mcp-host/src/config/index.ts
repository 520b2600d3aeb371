export {
  describeSource,
  HostConfigError,
  type HostConfigErrorCode,
  type HostConfigErrorDetails,
  type HostConfigSource,
} from './errors.js';
export { type LoadHostConfigOptions, loadHostConfig } from './load-host-config.js';
export { type HostConfig, type HostConfigInput, hostConfigSchema, LOG_LEVELS } from './schema.js';
export {
  type HostConfigCommand,
  type HostSetting,
  type HostSettingFlag,
  type HostSettingKey,
  type HostSettingShortcut,
  hostSetting,
  hostSettingKeys,
  hostSettings,
} from './settings.js';
