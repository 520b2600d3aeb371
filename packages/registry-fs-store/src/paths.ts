import os from 'node:os';
import path from 'node:path';

/** The environment variables {@link resolveRegistryPath} reads. */
export interface RegistryPathEnv {
  CORTEX_HOME?: string | undefined;
  XDG_CONFIG_HOME?: string | undefined;
}

/**
 * Where the registry file lives, with Cortex-OS's rules: `$CORTEX_HOME`, else `$XDG_CONFIG_HOME/cortex-os`,
 * else `~/.config/cortex-os`, then `mcp/servers.json`. Empty variables count as unset.
 *
 * @param env - environment to read (default `process.env`)
 * @param homedir - home directory (default `os.homedir()`)
 */
export function resolveRegistryPath(
  env: RegistryPathEnv = process.env,
  homedir: string = os.homedir(),
): string {
  const base = nonEmpty(env.CORTEX_HOME) ?? joinIfSet(env.XDG_CONFIG_HOME, 'cortex-os');
  return path.join(base ?? path.join(homedir, '.config', 'cortex-os'), 'mcp', 'servers.json');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function joinIfSet(value: string | undefined, child: string): string | undefined {
  const base = nonEmpty(value);
  return base === undefined ? undefined : path.join(base, child);
}
