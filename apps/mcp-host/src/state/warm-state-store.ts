import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../atomic-file.js';
import type { ServedCatalogue } from '../connectors/index.js';
import { describeFailure } from '../errors.js';

/** What the state files log: problems with a file (never its contents). Any pino logger fits. */
export interface StateLogger {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

/** One connector's persisted catalogue: what it serves and its instructions. */
export interface CatalogueEntry extends ServedCatalogue {
  /** Catalogue fingerprint (origin, endpoint or command, version) it was listed under; another one ignores it. */
  readonly fingerprint: string;
  readonly savedAtMs: number;
}

/** Small facts kept beside the map text. */
export interface MapMeta {
  /** Newest `generatedAt` accepted (epoch ms): an older map is a replay. */
  readonly notBefore?: number | undefined;
  /** ETag of the persisted map, sent as `If-None-Match` after a restart. */
  readonly etag?: string | undefined;
}

/** File names inside `stateDir`. */
export const STATE_FILES = {
  map: 'service-map.json',
  mapMeta: 'map-meta.json',
  catalogue: 'catalogue.json',
  toolPins: 'tool-pins.json',
} as const;

const toolSchema = z.looseObject({
  name: z.string().min(1),
  inputSchema: z.looseObject({ type: z.literal('object') }),
});
const resourceSchema = z.looseObject({ uri: z.string().min(1), name: z.string() });
const resourceTemplateSchema = z.looseObject({ uriTemplate: z.string().min(1), name: z.string() });
const promptSchema = z.looseObject({ name: z.string().min(1) });
/**
 * A connector's catalogue as stored (the file, the fleet's Redis). Files written before resources and prompts were
 * federated hold tools only: the other lists default to empty.
 */
const servedCatalogueSchema = z.object({
  tools: z.array(toolSchema),
  resources: z.array(resourceSchema).default([]),
  resourceTemplates: z.array(resourceTemplateSchema).default([]),
  prompts: z.array(promptSchema).default([]),
  instructions: z.string().optional(),
});
const catalogueSchema = z.object({
  version: z.literal(1),
  connectors: z.record(
    z.string(),
    servedCatalogueSchema.extend({ fingerprint: z.string(), savedAtMs: z.number() }),
  ),
});
const mapMetaSchema = z.object({ notBefore: z.number().optional(), etag: z.string().optional() });

/**
 * Validates a catalogue from elsewhere (the fleet's shared catalogue): undefined unless every list holds items of its
 * kind. Lists it lacks are empty.
 */
export function parseServedCatalogue(value: unknown): ServedCatalogue | undefined {
  const parsed = servedCatalogueSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const { instructions, ...lists } = parsed.data;
  return (instructions === undefined ? lists : { ...lists, instructions }) as ServedCatalogue;
}

/** Whether a process with this pid exists (EPERM: it exists but is not ours). */
function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The warm-start files in `stateDir`: the signed map text exactly as received, its `notBefore`/ETag, and each
 * connector's tool catalogue. Writes are atomic (temp file, fsync, rename) and run one at a time; a failed write is
 * logged, never thrown: persistence must not break serving. A corrupt file is ignored with a warning.
 */
export class WarmStateStore {
  readonly #dir: string;
  readonly #logger: StateLogger;
  #queue: Promise<void> = Promise.resolve();

  readonly #onWrite: ((file: string, durationMs: number) => void) | undefined;

  /** `onWrite` hears of every completed atomic write (file name, duration) — the host times them as flushes. */
  constructor(options: {
    stateDir: string;
    logger: StateLogger;
    onWrite?: (file: string, durationMs: number) => void;
  }) {
    this.#dir = options.stateDir;
    this.#logger = options.logger;
    this.#onWrite = options.onWrite;
  }

  /** The persisted map text, or undefined when there is none. Verify it before use. */
  readMapText(): Promise<string | undefined> {
    return this.#read(STATE_FILES.map);
  }

  /** The persisted map facts; `{}` when absent or corrupt. */
  async readMapMeta(): Promise<MapMeta> {
    const parsed = await this.#readJson(STATE_FILES.mapMeta, mapMetaSchema);
    return parsed ?? {};
  }

  /** The persisted catalogues by connector id; empty when absent or corrupt. */
  async readCatalogue(): Promise<Map<string, CatalogueEntry>> {
    const parsed = await this.#readJson(STATE_FILES.catalogue, catalogueSchema);
    return new Map(Object.entries(parsed?.connectors ?? {}) as [string, CatalogueEntry][]);
  }

  /** Queues an atomic write of the map text and its facts. */
  saveMap(text: string, meta: MapMeta): Promise<void> {
    return this.#enqueue(async () => {
      await this.#writeAtomic(STATE_FILES.map, text);
      await this.#writeAtomic(STATE_FILES.mapMeta, `${JSON.stringify(meta)}\n`);
    });
  }

  /** Queues an atomic write of every connector's catalogue. */
  saveCatalogue(entries: ReadonlyMap<string, CatalogueEntry>): Promise<void> {
    const document = { version: 1, connectors: Object.fromEntries(entries) };
    const text = `${JSON.stringify(document)}\n`;
    return this.#enqueue(() => this.#writeAtomic(STATE_FILES.catalogue, text));
  }

  /** The tool-pins file's text, or undefined when there is none (parsed by `ToolPinBook`). */
  readToolPins(): Promise<string | undefined> {
    return this.#read(STATE_FILES.toolPins);
  }

  /** Writes the tool-pins file atomically (queued behind other writes). */
  saveToolPins(text: string): Promise<void> {
    return this.#enqueue(() => this.#writeAtomic(STATE_FILES.toolPins, text));
  }

  /**
   * Removes temp files a killed process left behind (`<file>.tmp-<pid>-<n>` whose pid is not alive): a SIGKILL
   * between writing a temp file and renaming it. A live writer's temp file is left alone. Returns the names removed.
   */
  async removeOrphanedTempFiles(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.#dir);
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const name of names) {
      const match = /\.tmp-(\d+)-\d+$/.exec(name);
      if (!match || isAlive(Number(match[1]))) continue;
      await unlink(join(this.#dir, name)).then(
        () => removed.push(name),
        () => undefined,
      );
    }
    if (removed.length > 0) {
      this.#logger.info(
        { stateDir: this.#dir, removed },
        'removed temp files left by a process that died mid-write',
      );
    }
    return removed;
  }

  /** Resolves once every queued write has finished. */
  idle(): Promise<void> {
    return this.#queue;
  }

  #enqueue(write: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(write).catch((error: unknown) => {
      this.#logger.warn(
        { stateDir: this.#dir, err: describeFailure(error) },
        'could not write the warm-start state; the host keeps serving, the next restart may be colder',
      );
    });
    this.#queue = next;
    return next;
  }

  async #writeAtomic(name: string, text: string): Promise<void> {
    const startedAt = performance.now();
    await writeFileAtomic(join(this.#dir, name), text);
    this.#onWrite?.(name, performance.now() - startedAt);
  }

  async #read(name: string): Promise<string | undefined> {
    try {
      return await readFile(join(this.#dir, name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.#logger.warn(
          { file: name, err: describeFailure(error) },
          'could not read a warm-start file; ignoring it',
        );
      }
      return undefined;
    }
  }

  async #readJson<T>(name: string, schema: z.ZodType<T>): Promise<T | undefined> {
    const text = await this.#read(name);
    if (text === undefined) return undefined;
    try {
      const result = schema.safeParse(JSON.parse(text));
      if (result.success) return result.data;
    } catch {
      // Not JSON: reported below like a schema mismatch.
    }
    this.#logger.warn(
      { file: join(this.#dir, name) },
      'a warm-start file is corrupt; ignoring it (it is rewritten after the next sync)',
    );
    return undefined;
  }
}
