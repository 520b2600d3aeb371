import { stat } from 'node:fs/promises';
import { isReadableByOthers, KeysFileError, readKeysFile } from '../../auth/index.js';
import { type HostConfig, isLoopbackHost } from '../../config/index.js';
import { check, type DoctorCheck } from './check.js';

const NAME = 'client auth';

/**
 * The door as configured: `none` is fine on loopback and a warning when it was allowed elsewhere; `api-keys` needs a
 * keys file the host can read, holding at least one key, readable by its owner only.
 */
export async function checkAuth(config: HostConfig): Promise<DoctorCheck> {
  if (config.auth === 'none') {
    if (config.transport === 'stdio' || isLoopbackHost(config.host)) {
      return check('auth', NAME, 'ok', 'none: clients are not asked (loopback or stdio only)');
    }
    return check(
      'auth',
      NAME,
      'warn',
      `none on ${config.host}: anyone who reaches the port uses every tool`,
      {
        fix: 'Set MCP_AUTH=api-keys and add keys with "mcp-host keys add <name>".',
      },
    );
  }
  const path = config.keysPath;
  try {
    await stat(path);
  } catch {
    return check(
      'auth',
      NAME,
      'fail',
      `api-keys, but there is no keys file at ${path}: every request is refused`,
      {
        fix: 'Add a key with "mcp-host keys add <name>" (or point MCP_KEYS_PATH at the keys file).',
      },
    );
  }
  let keys: number;
  try {
    keys = (await readKeysFile(path)).keys.length;
  } catch (error) {
    if (!(error instanceof KeysFileError)) throw error;
    return check('auth', NAME, 'fail', error.message, {
      fix: 'Fix or remove the file, then "mcp-host keys add".',
    });
  }
  if (keys === 0) {
    return check('auth', NAME, 'warn', `api-keys, but ${path} holds no key: every request is refused`, {
      fix: 'Add a key with "mcp-host keys add <name>".',
    });
  }
  if (await isReadableByOthers(path)) {
    return check('auth', NAME, 'warn', `api-keys: ${keys} key(s) in ${path}, readable by other users`, {
      fix: `chmod 600 ${path}`,
    });
  }
  return check('auth', NAME, 'ok', `api-keys: ${keys} key(s) in ${path}`);
}
