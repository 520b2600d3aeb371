export { textToBoolean, textToKeyword, textToList, textToNumber, trimText } from './coerce.js';
export {
  describeSource,
  HostConfigError,
  type HostConfigErrorCode,
  type HostConfigErrorDetails,
  type HostConfigSource,
  quoteValue,
} from './errors.js';
export { type FlagDescription, flagParseError } from './flag-errors.js';
export { CONFIGURATION_REFERENCE_PATH, renderConfigurationReference } from './reference.js';
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
export {
  describeSettingFlag,
  type FlagOptions,
  flagOptions,
  type RawSetting,
  type RawSettings,
  readConfigFile,
  readEnvironment,
  readFlags,
  settingsForCommand,
} from './sources.js';
