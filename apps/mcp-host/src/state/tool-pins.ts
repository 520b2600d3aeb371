import {
  diffToolDefinitions,
  type PinnableToolDefinition,
  type PinnedToolField,
  toolDefinitionHash,
} from '@cortex-mcp/tool-registry';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { describeFailure } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * What happens when a connector changes a tool whose definition was pinned: `warn` logs the change and serves the
 * new definition; `block` withholds the tool until the change is approved (`mcp-host pins approve`); `off` pins
 * nothing.
 */
export type ToolPinPolicy = 'warn' | 'block' | 'off';

const definitionSchema = z.looseObject({ name: z.string() });
const recordSchema = z.object({
  hash: z.string(),
  definition: definitionSchema,
  pinnedAtMs: z.number(),
  pending: z.object({ hash: z.string(), definition: definitionSchema, seenAtMs: z.number() }).optional(),
});
const pinsFileSchema = z.object({
  version: z.literal(1),
  connectors: z.record(z.string(), z.record(z.string(), recordSchema)),
});

/** The tool-pins file (`tool-pins.json` in the state directory). */
export type ToolPinsFile = z.infer<typeof pinsFileSchema>;
type PinRecord = z.infer<typeof recordSchema>;

/** Where {@link ToolPinBook} reads and writes its file. */
export interface ToolPinStorage {
  readToolPins(): Promise<string | undefined>;
  saveToolPins(text: string): Promise<void>;
}

/** Parses the pins file text; undefined for a corrupt one. */
export function parseToolPins(text: string): ToolPinsFile | undefined {
  try {
    const parsed = pinsFileSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Approves pending definition changes in a pins file: every change, one connector's, or one tool's
 * (`connectorId` + `toolName`). Returns the new file and the approved `connector/tool` names.
 */
export function approvePendingPins(
  file: ToolPinsFile,
  nowMs: number,
  connectorId?: string,
  toolName?: string,
): { file: ToolPinsFile; approved: string[] } {
  const approved: string[] = [];
  const connectors: ToolPinsFile['connectors'] = {};
  for (const [id, tools] of Object.entries(file.connectors)) {
    const next: Record<string, PinRecord> = {};
    for (const [name, record] of Object.entries(tools)) {
      const selected =
        (connectorId === undefined || connectorId === id) && (toolName === undefined || toolName === name);
      if (selected && record.pending) {
        next[name] = { hash: record.pending.hash, definition: record.pending.definition, pinnedAtMs: nowMs };
        approved.push(`${id}/${name}`);
      } else {
        next[name] = record;
      }
    }
    connectors[id] = next;
  }
  return { file: { version: 1, connectors }, approved };
}

/** Options of {@link ToolPinBook}. */
export interface ToolPinBookOptions {
  readonly policy: ToolPinPolicy;
  readonly storage: ToolPinStorage;
  readonly logger: Logger;
  readonly clock: () => number;
}

/**
 * Tool-definition pinning, the defence against a connector that changes a tool after it was trusted (a "rug
 * pull"): the first definition seen of each tool is pinned by a hash over its name, description, schemas and
 * annotations (trust on first use); a later listing whose definition hashes differently is a change, logged once
 * with the fields that changed, kept as pending until approved, and — under `block` — withheld from clients.
 */
export class ToolPinBook {
  readonly #options: ToolPinBookOptions;
  #file: ToolPinsFile = { version: 1, connectors: {} };
  #dirty = false;
  readonly #warned = new Set<string>();

  constructor(options: ToolPinBookOptions) {
    this.#options = options;
  }

  /** The policy in force. */
  get policy(): ToolPinPolicy {
    return this.#options.policy;
  }

  /** (Re)reads the file: approvals made with the CLI while the host runs apply from the next review. */
  async load(): Promise<void> {
    if (this.#options.policy === 'off') return;
    const text = await this.#options.storage.readToolPins();
    if (text === undefined) return;
    const parsed = parseToolPins(text);
    if (parsed) {
      this.#file = parsed;
      return;
    }
    this.#options.logger.warn(
      { file: 'tool-pins.json' },
      'the tool pins file is corrupt; keeping the pins in memory and rewriting it',
    );
    this.#dirty = true;
  }

  /**
   * Reviews a connector's live tool list against its pins and returns the tools to serve: all of them under
   * `warn`/`off`, all but the changed ones under `block`. Pins new tools; records and logs changes.
   */
  review(connectorId: string, tools: readonly Tool[]): Tool[] {
    if (this.#options.policy === 'off') return [...tools];
    const pins = this.#file.connectors[connectorId] ?? {};
    this.#file.connectors[connectorId] = pins;
    const served: Tool[] = [];
    for (const tool of tools) {
      if (this.#reviewOne(connectorId, pins, tool)) served.push(tool);
    }
    return served;
  }

  /** Names of this connector's tools whose live definition differs from the approved pin. */
  changedTools(connectorId: string): string[] {
    const pins = this.#file.connectors[connectorId] ?? {};
    return Object.entries(pins)
      .filter(([, record]) => record.pending !== undefined)
      .map(([name]) => name);
  }

  /** Writes the file when something changed. */
  async save(): Promise<void> {
    if (!this.#dirty || this.#options.policy === 'off') return;
    this.#dirty = false;
    await this.#options.storage.saveToolPins(`${JSON.stringify(this.#file, null, 2)}\n`);
  }

  #reviewOne(connectorId: string, pins: Record<string, PinRecord>, tool: Tool): boolean {
    const { clock, logger, policy } = this.#options;
    const definition = pinnable(tool);
    let hash: string;
    try {
      hash = toolDefinitionHash(definition);
    } catch (error) {
      logger.warn(
        { connectorId, tool: tool.name, err: describeFailure(error) },
        'cannot pin this tool definition',
      );
      return policy !== 'block';
    }
    const record = pins[tool.name];
    if (record === undefined) {
      pins[tool.name] = { hash, definition: definition as PinRecord['definition'], pinnedAtMs: clock() };
      this.#dirty = true;
      return true;
    }
    if (record.hash === hash) {
      if (record.pending) {
        // The connector went back to the approved definition.
        delete record.pending;
        this.#dirty = true;
      }
      return true;
    }
    if (record.pending?.hash !== hash) {
      record.pending = { hash, definition: definition as PinRecord['definition'], seenAtMs: clock() };
      this.#dirty = true;
    }
    this.#warnOnce(connectorId, tool.name, hash, diffOf(record.definition, definition));
    return policy !== 'block';
  }

  #warnOnce(connectorId: string, toolName: string, hash: string, changed: readonly PinnedToolField[]): void {
    const key = `${connectorId}\u0000${toolName}\u0000${hash}`;
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    const blocked = this.#options.policy === 'block';
    this.#options.logger.warn(
      { connectorId, tool: toolName, changed, policy: this.#options.policy },
      blocked
        ? `connector changed a pinned tool definition; withholding the tool until approved (mcp-host pins approve ${connectorId} ${toolName})`
        : `connector changed a pinned tool definition; serving the new one (approve it with: mcp-host pins approve ${connectorId} ${toolName})`,
    );
  }
}

function pinnable(tool: Tool): PinnableToolDefinition {
  return tool as unknown as PinnableToolDefinition;
}

function diffOf(before: unknown, after: PinnableToolDefinition): readonly PinnedToolField[] {
  try {
    return diffToolDefinitions(before as PinnableToolDefinition, after);
  } catch {
    return [];
  }
}
