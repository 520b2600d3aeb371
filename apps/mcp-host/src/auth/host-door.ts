import { unwatchFile, watchFile } from 'node:fs';
import { HostConfigError } from '../settings/index.js';
import type { StartupLogger } from '../startup/index.js';
import { ApiKeyBook } from './api-keys.js';
import { apiKeyDoor, type Door, OPEN_DOOR } from './door.js';
import { isReadableByOthers, KeysFileError, readKeysFile } from './keys-file.js';

/** How often a running host looks at its keys file for changes (`mcp-host keys add|remove`). */
const KEYS_FILE_POLL_MS = 1_000;

/** The settings the door is built from. */
export interface DoorSettings {
  readonly auth: 'none' | 'api-keys';
  readonly keysPath: string;
  readonly host: string;
  readonly allowUnauthenticated: boolean;
}

/**
 * The HTTP surface's door for these settings. `none`: the open door (with a warning at every start when it was
 * allowed off loopback). `api-keys`: the keys file is read now — a file the host cannot use stops the start, naming
 * it — and again whenever it changes, keeping the last good keys when an edit is broken.
 *
 * @throws {HostConfigError} `invalid_value` (setting `keysPath`) when the keys file cannot be read or parsed.
 */
export async function openDoor(
  settings: DoorSettings,
  logger: StartupLogger,
  loopback: boolean,
): Promise<Door> {
  if (settings.auth === 'none') {
    if (!loopback) {
      logger.warn(
        { host: settings.host },
        'serving without client authentication on a non-loopback address (allowUnauthenticated): anyone who reaches the port uses every tool with this host’s credentials',
      );
    }
    return OPEN_DOOR;
  }
  const path = settings.keysPath;
  let book = new ApiKeyBook(await readKeys(path));
  if (book.size === 0) {
    logger.warn(
      { keysPath: path },
      'auth is api-keys but the keys file holds no key: every request is refused until "mcp-host keys add"',
    );
  }
  if (await isReadableByOthers(path)) {
    logger.warn({ keysPath: path }, 'the keys file is readable by other users; chmod 600 it');
  }
  const reload = () => {
    readKeysFile(path).then(
      (file) => {
        book = new ApiKeyBook(file.keys);
        logger.info({ keysPath: path, keys: book.size }, 'read the changed keys file');
      },
      (error: unknown) =>
        logger.warn(
          { keysPath: path, err: (error as Error).message },
          'the changed keys file cannot be used; keeping the keys read before',
        ),
    );
  };
  watchFile(path, { interval: KEYS_FILE_POLL_MS, persistent: false }, (current, previous) => {
    if (current.mtimeMs !== previous.mtimeMs || current.ino !== previous.ino) reload();
  });
  return apiKeyDoor(
    () => book,
    () => unwatchFile(path),
  );
}

async function readKeys(path: string) {
  try {
    return (await readKeysFile(path)).keys;
  } catch (error) {
    if (!(error instanceof KeysFileError)) throw error;
    throw new HostConfigError('invalid_value', error.message, { setting: 'keysPath', cause: error });
  }
}
