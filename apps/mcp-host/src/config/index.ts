export { isLoopbackHost, type LoadHostConfigOptions, loadHostConfig } from './load-host-config.js';
export { type HostConfig, type HostConfigInput, hostConfigSchema, LOG_LEVELS } from './schema.js';
