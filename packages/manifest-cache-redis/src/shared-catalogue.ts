import type { FleetStore } from './fleet-store.js';

/**
 * What a connector serves besides tools, shared the same way: lists of JSON-compatible values (e.g. MCP `Resource`,
 * `ResourceTemplate` and `Prompt` objects) and the instructions it gave. Absent members mean "none shared".
 */
export interface SharedCatalogueExtras {
  readonly resources?: readonly unknown[];
  readonly resourceTemplates?: readonly unknown[];
  readonly prompts?: readonly unknown[];
  readonly instructions?: string;
}

/** One connector's catalogue as shared in Redis. Not signed: validate every list before serving it. */
export interface SharedCatalogueEntry extends SharedCatalogueExtras {
  /**
   * What the tools were listed under (e.g. a hash of the connector's endpoint and version). A host whose own
   * fingerprint for the connector differs should ignore the entry.
   */
  readonly fingerprint: string;
  /** The connector's tools, as JSON-compatible values (e.g. MCP `Tool` objects). */
  readonly tools: readonly unknown[];
  /** When the writing host listed them (epoch ms on its clock). */
  readonly savedAtMs: number;
  /** `instanceId` of the writing host. */
  readonly writerId: string;
}

/** What `write` takes; `savedAtMs` defaults to now and `writerId` is this host's. */
export interface SharedCatalogueInput extends SharedCatalogueExtras {
  readonly fingerprint: string;
  readonly tools: readonly unknown[];
  readonly savedAtMs?: number;
}

/** `read()`'s answer: the usable entries, and the ids of entries skipped because they were malformed. */
export interface SharedCatalogueSnapshot {
  readonly entries: Map<string, SharedCatalogueEntry>;
  readonly malformed: readonly string[];
}

function parseEntry(text: string): SharedCatalogueEntry | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { fingerprint, tools, savedAtMs, writerId } = raw as Record<string, unknown>;
  if (typeof fingerprint !== 'string' || !Array.isArray(tools)) return undefined;
  if (typeof savedAtMs !== 'number' || !Number.isFinite(savedAtMs)) return undefined;
  const extras = parseExtras(raw as Record<string, unknown>);
  if (extras === undefined) return undefined;
  return { fingerprint, tools, savedAtMs, writerId: typeof writerId === 'string' ? writerId : '', ...extras };
}

const EXTRA_LISTS = ['resources', 'resourceTemplates', 'prompts'] as const;

/** The optional lists and instructions of an entry; undefined when one is there but of the wrong type. */
function parseExtras(raw: Record<string, unknown>): SharedCatalogueExtras | undefined {
  const extras: Record<string, unknown> = {};
  for (const name of EXTRA_LISTS) {
    const value = raw[name];
    if (value === undefined) continue;
    if (!Array.isArray(value)) return undefined;
    extras[name] = value;
  }
  if (raw.instructions !== undefined) {
    if (typeof raw.instructions !== 'string') return undefined;
    extras.instructions = raw.instructions;
  }
  return extras as SharedCatalogueExtras;
}

/** The extras of `input` that are set, so an entry without them stays as small as before. */
function extrasOf(input: SharedCatalogueExtras): SharedCatalogueExtras {
  const extras: Record<string, unknown> = {};
  for (const name of EXTRA_LISTS) if (input[name] !== undefined) extras[name] = input[name];
  if (input.instructions !== undefined) extras.instructions = input.instructions;
  return extras as SharedCatalogueExtras;
}

/**
 * Each connector's tool list in one Redis hash (`<prefix>catalogue`, field = connector id), so a new host can serve
 * the whole catalogue at once while it connects. Writes are last-writer-wins per connector. Every method is bounded
 * by the command timeout and rejects with `ManifestCacheRedisError` (`redis_unavailable`, `redis_error`, `closed`)
 * when Redis cannot do it: fall back to your local copy.
 */
export class SharedCatalogue {
  readonly #store: () => FleetStore;
  readonly #key: string;
  readonly #writerId: string;
  readonly #clock: () => number;

  /** @param store - the store to use, or a throw (`closed`) when the cache is closed */
  constructor(options: { store: () => FleetStore; key: string; writerId: string; clock: () => number }) {
    this.#store = options.store;
    this.#key = options.key;
    this.#writerId = options.writerId;
    this.#clock = options.clock;
  }

  /** Every connector's entry; malformed entries (not written by this package) are skipped and listed. */
  async read(): Promise<SharedCatalogueSnapshot> {
    const fields = await this.#store().run('reading the shared catalogue', (client) =>
      client.hgetall(this.#key),
    );
    const entries = new Map<string, SharedCatalogueEntry>();
    const malformed: string[] = [];
    for (const [connectorId, text] of Object.entries(fields)) {
      const entry = parseEntry(text);
      if (entry === undefined) malformed.push(connectorId);
      else entries.set(connectorId, entry);
    }
    return { entries, malformed };
  }

  /** Stores (replaces) one connector's catalogue: its tools and whichever extras are given. */
  async write(connectorId: string, input: SharedCatalogueInput): Promise<void> {
    const entry: SharedCatalogueEntry = {
      fingerprint: input.fingerprint,
      tools: input.tools,
      ...extrasOf(input),
      savedAtMs: input.savedAtMs ?? this.#clock(),
      writerId: this.#writerId,
    };
    const text = JSON.stringify(entry);
    await this.#store().run('writing the shared catalogue', (client) =>
      client.hset(this.#key, connectorId, text),
    );
  }

  /** Forgets one connector's tools (it left the map). */
  async remove(connectorId: string): Promise<void> {
    await this.#store().run('removing from the shared catalogue', (client) =>
      client.hdel(this.#key, connectorId),
    );
  }
}
