/** A pino-compatible logger; only `warn` is required. Log objects never carry entry contents. */
export interface RegistryLogger {
  warn(obj: object, msg?: string): void;
  info?(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
  error?(obj: object, msg?: string): void;
}

/**
 * Without a logger, warnings still surface (a quarantined file or a failing disk must not go unnoticed)
 * as Node.js process warnings, which `--no-warnings` can silence.
 */
export const processWarningLogger: RegistryLogger = {
  warn(obj, msg) {
    process.emitWarning(`${msg ?? 'registry-fs-store warning'} ${JSON.stringify(obj)}`, {
      type: 'RegistryFsStoreWarning',
    });
  },
};
