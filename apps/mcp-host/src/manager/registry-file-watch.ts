import { existsSync, watch } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describeFailure } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ManagerTimers } from './timers.js';

/** A watched directory; `close()` releases it (idempotent). */
export interface DirectoryWatcher {
  close(): void;
}

/** What a watched directory reports. */
export interface DirectoryEvents {
  /** An entry of the directory changed; `fileName` is its name, when the platform tells it. */
  readonly onChange: (fileName: string | undefined) => void;
  /** The watch broke (the directory was removed, the platform gave up): nothing follows. */
  readonly onError: (error: unknown) => void;
}

/** Starts watching `directory`; rejects when it cannot be watched. */
export type WatchDirectory = (directory: string, events: DirectoryEvents) => Promise<DirectoryWatcher>;

/**
 * `node:fs` `watch` on the directory, created (owner-only, as the registry store creates it) when missing, so a
 * first `mcp-host servers add` is seen. Not `persistent`: it never keeps the process alive on its own.
 */
export const watchDirectory: WatchDirectory = async (directory, events) => {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const ownName = path.basename(directory);
  const watcher = watch(directory, { persistent: false }, (_event, fileName) => {
    const name = fileName === null ? undefined : String(fileName);
    // Linux reports the removal of the watched directory as an event named after it, then falls silent.
    if (name === ownName && !existsSync(directory)) {
      watcher.close();
      events.onError(Object.assign(new Error(`${directory} was removed`), { code: 'ENOENT' }));
      return;
    }
    events.onChange(name);
  });
  watcher.on('error', (error) => {
    watcher.close();
    events.onError(error);
  });
  return watcher;
};

/** Options of {@link RegistryFileWatch}. */
export interface RegistryFileWatchOptions {
  readonly registryPath: string;
  /** How long the file must stay quiet before `onChange`, in ms. */
  readonly debounceMs: number;
  readonly watchDirectory: WatchDirectory;
  readonly timers: ManagerTimers;
  readonly logger: Logger;
  /** The registry file may have changed: called once per burst of events, after `debounceMs` of quiet. */
  readonly onChange: () => void;
}

/**
 * Watches the registry file through its directory — writers (the registry store, editors) replace the file by
 * rename, and a watch on the file itself would stop at the first one — and reports a burst of events on its name
 * once, `debounceMs` after the last. A watch that cannot start or breaks is warned about once per failure streak
 * and started again by `start()` (the manager calls it at every sync); `onChange` follows a recovery, since events
 * were missed meanwhile.
 */
export class RegistryFileWatch {
  readonly #options: RegistryFileWatchOptions;
  readonly #fileName: string;
  #watcher: DirectoryWatcher | undefined;
  #opening: Promise<void> | undefined;
  #timer: unknown;
  #failing = false;
  #stopped = false;

  constructor(options: RegistryFileWatchOptions) {
    this.#options = options;
    this.#fileName = path.basename(options.registryPath);
  }

  /**
   * Starts watching, or again after a failure; resolves once it watches (or failed). A no-op while watching or after
   * `stop()`.
   */
  start(): Promise<void> {
    if (this.#stopped || this.#watcher) return Promise.resolve();
    this.#opening ??= this.#open().finally(() => {
      this.#opening = undefined;
    });
    return this.#opening;
  }

  /** Stops for good: closes the watch and drops a pending `onChange`. Resolves once nothing is left open. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#clearTimer();
    this.#watcher?.close();
    this.#watcher = undefined;
    await this.#opening;
  }

  async #open(): Promise<void> {
    const { registryPath, logger } = this.#options;
    let lost = false;
    let watcher: DirectoryWatcher;
    try {
      watcher = await this.#options.watchDirectory(path.dirname(registryPath), {
        onChange: (fileName) => {
          if (fileName === undefined || fileName === this.#fileName) this.#schedule();
        },
        onError: (error) => {
          lost = true;
          this.#lost(watcher, error);
        },
      });
    } catch (error) {
      this.#failed(error);
      return;
    }
    if (this.#stopped || lost) {
      watcher.close();
      return;
    }
    this.#watcher = watcher;
    if (!this.#failing) return;
    this.#failing = false;
    logger.info({ registryPath }, 'watching the registry file again');
    this.#schedule();
  }

  /** A running watch broke: the file may have changed with it (a removed directory), so read it once more. */
  #lost(watcher: DirectoryWatcher | undefined, error: unknown): void {
    watcher?.close();
    if (this.#watcher === watcher) this.#watcher = undefined;
    if (this.#stopped) return;
    this.#failed(error);
    this.#schedule();
  }

  #failed(error: unknown): void {
    const { registryPath, logger } = this.#options;
    const fields = { registryPath, err: describeFailure(error) };
    if (this.#failing) {
      logger.debug(fields, 'still cannot watch the registry file');
      return;
    }
    this.#failing = true;
    logger.warn(fields, 'cannot watch the registry file; its changes are read at the next refresh');
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#clearTimer();
    this.#timer = this.#options.timers.setTimeout(() => {
      this.#timer = undefined;
      this.#options.onChange();
    }, this.#options.debounceMs);
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    this.#options.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
