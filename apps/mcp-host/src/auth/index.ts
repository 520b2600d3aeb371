export {
  API_KEY_PREFIX,
  ApiKeyBook,
  type ApiKeyEntry,
  type ClientIdentity,
  isKeyName,
  isScope,
  type KeysFile,
  newApiKey,
} from './api-keys.js';
export {
  type AuthMode,
  apiKeyDoor,
  type Door,
  type DoorOutcome,
  type DoorRefusal,
  OPEN_DOOR,
  scopeRefusal,
} from './door.js';
export { type DoorSettings, openDoor } from './host-door.js';
export { isReadableByOthers, KeysFileError, readKeysFile, writeKeysFile } from './keys-file.js';
