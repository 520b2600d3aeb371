import type { FlushReport, RegistryMemoryCache, ServerInfo } from '@cortex-mcp/registry-fs-store';
import type { ServiceMapPayload } from '@cortex-mcp/service-map-loader';
import { type ConnectorSpec, desiredSpecs, type SpecDefaults } from '../connectors/index.js';
import { describeFailure } from '../errors.js';
import type { Logger } from '../logger.js';
import type { WarmState } from '../state/index.js';
import { type ConnectorStatus, disabledStatus, skippedStatus } from '../status/index.js';

/** What {@link DesiredConnectors} needs from the manager's options. */
export interface DesiredConnectorsOptions {
  readonly connectTimeoutMs: number;
  readonly callTimeoutMs: number;
  readonly apiKey?: string | undefined;
  readonly logger: Logger;
  readonly clock: () => number;
  /** Hears every flush of the registry file (the host times them). */
  readonly onRegistryFlush: (report: FlushReport) => void;
}

/**
 * Which connectors the host should run: the map's, then the registry file's servers (whose cache it holds from
 * the warm state on, and reads again when the file changes), with the connector specs' defaults. Keeps the disabled
 * specs and the registry-file servers skipped for a map connector's id for `/status`, and warns once per skipped
 * server.
 */
export class DesiredConnectors {
  readonly #options: DesiredConnectorsOptions;
  readonly #warnedDuplicates = new Set<string>();
  #registryFile: RegistryMemoryCache | undefined;
  #registryRead = false;
  /** A re-read failed and was warned about: the next failures log at debug until one succeeds. */
  #rereadFailing = false;
  #disabled: ConnectorSpec[] = [];
  #skipped: ServerInfo[] = [];

  constructor(options: DesiredConnectorsOptions) {
    this.#options = options;
  }

  /** Takes the registry file's cache from the warm state; a file that could not be read is warned about. */
  adoptRegistryFile(state: WarmState): void {
    this.#registryFile = state.registryFile;
    state.onRegistryFlush(this.#options.onRegistryFlush);
    if (state.registryFailure === undefined) {
      this.#registryRead = true;
      return;
    }
    this.#options.logger.warn(
      { err: describeFailure(state.registryFailure) },
      'could not read the registry file; continuing without its servers',
    );
  }

  /**
   * Reads the registry file again (it changed on disk, or a refresh runs); resolves with whether its servers changed.
   * The text the host last read or wrote itself changes nothing. A file that could not be read at start is read as a
   * start would read it. A failure keeps the servers as they were and is warned about once per failure streak; a
   * damaged file is quarantined by the store, which keeps and writes back the servers it held.
   */
  async reloadRegistryFile(): Promise<boolean> {
    const file = this.#registryFile;
    if (file === undefined) return false;
    try {
      const changed = this.#registryRead ? await file.reload() : await file.init().then(() => true);
      this.#registryRead = true;
      this.#rereadFailing = false;
      this.#options.logger.debug({ changed }, 'registry file read again');
      return changed;
    } catch (error) {
      const level = this.#rereadFailing ? 'debug' : 'warn';
      this.#rereadFailing = true;
      this.#options.logger[level](
        { err: describeFailure(error) },
        'could not read the registry file again; keeping its servers as they were',
      );
      return false;
    }
  }

  /** The registry-file store (for upserts), once the warm state is adopted and a registry path is set. */
  get registryFile(): RegistryMemoryCache | undefined {
    return this.#registryFile;
  }

  /** Whether the registry file was read, or there is none: without a map URL, that alone makes the host ready. */
  get registryReadOrAbsent(): boolean {
    return this.#registryFile === undefined || this.#registryRead;
  }

  /** The registry file's servers ([] when it could not be read). */
  servers(): ServerInfo[] {
    return this.#registryRead ? (this.#registryFile?.getAll() ?? []) : [];
  }

  get specDefaults(): SpecDefaults {
    const { connectTimeoutMs, callTimeoutMs, apiKey } = this.#options;
    return { connectTimeoutMs, callTimeoutMs, apiKeyConfigured: Boolean(apiKey) };
  }

  /** The specs of `map` and the registry file; remembers the disabled ones and the skipped servers. */
  specs(map: ServiceMapPayload | undefined): ConnectorSpec[] {
    const { specs, skipped } = desiredSpecs(map, this.servers(), this.specDefaults);
    this.noteSkipped(skipped);
    this.#disabled = specs.filter((spec) => !spec.enabled);
    return specs;
  }

  /** Records the registry-file servers skipped for a map connector's id, warning once per server. */
  noteSkipped(skipped: readonly ServerInfo[]): void {
    this.#skipped = [...skipped];
    for (const server of skipped) {
      if (this.#warnedDuplicates.has(server.name)) continue;
      this.#warnedDuplicates.add(server.name);
      this.#options.logger.warn(
        { connectorId: server.name },
        'a registry-file server has the id of a service-map connector; skipping it (rename it to use it)',
      );
    }
  }

  /** The `/status` entries of the disabled connectors and the skipped registry-file servers. */
  statusEntries(): ConnectorStatus[] {
    return [
      ...this.#disabled.map(disabledStatus),
      ...this.#skipped.map((server) => skippedStatus(server, this.#options.clock())),
    ];
  }

  /** Writes pending registry-file changes; a failure is warned about, never thrown (the host is shutting down). */
  async close(): Promise<void> {
    await this.#registryFile?.close().catch((error: unknown) => {
      this.#options.logger.warn(
        { err: describeFailure(error) },
        'could not write the registry file on shutdown',
      );
    });
  }
}
