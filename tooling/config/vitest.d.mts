import type { UserConfig } from 'vitest/config';

/** vitest config for a package: tests in test/, node environment, generous timeouts, merged with `overrides`. */
export declare function packageTestConfig(overrides?: UserConfig['test']): UserConfig;
