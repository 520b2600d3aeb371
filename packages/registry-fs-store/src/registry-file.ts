import type { z } from 'zod';
import { RegistryStoreError } from './errors.js';
import { REGISTRY_FILE_VERSION, type ServerInfo, type ServerInfoInput, ServerInfoSchema } from './schema.js';

/**
 * What was wrong with a registry file when it was loaded: `unreadable_file` is a file `init()` may not read
 * (the cache is then read-only); the others are a damaged file, moved aside.
 */
export type LoadProblemKind = 'corrupt_file' | 'invalid_entry' | 'duplicate_entry' | 'unreadable_file';

/** One problem found while loading; `message` never contains entry values (they may be secrets). */
export interface LoadProblem {
  kind: LoadProblemKind;
  message: string;
  /** Position of the entry in the file's `servers` array, for entry problems. */
  index?: number;
  /** The entry's name, when it had a readable one. */
  name?: string;
}

/** The outcome of {@link parseRegistryText}. */
export type ParsedRegistry =
  | { kind: 'ok'; servers: ServerInfo[]; problems: LoadProblem[] }
  | { kind: 'corrupt'; problem: LoadProblem }
  | { kind: 'unsupported_version'; version: number };

/** Fixed key order so the file reads the same way for every entry and diffs stay small. */
const KEY_ORDER = [
  'name',
  'transport',
  'enabled',
  'command',
  'args',
  'cwd',
  'env',
  'url',
  'headers',
  'metadata',
];

/**
 * Validates one entry and returns a private deep copy in canonical key order.
 *
 * @throws RegistryStoreError `invalid_server`, naming each bad field.
 */
export function validateServerInfo(input: ServerInfoInput | unknown, registryPath?: string): ServerInfo {
  const result = ServerInfoSchema.safeParse(input);
  if (!result.success) {
    throw new RegistryStoreError(
      'invalid_server',
      `Invalid MCP server ${describeName(input)}: ${formatIssues(result.error)}. Fix the entry and try again.`,
      { registryPath, cause: result.error },
    );
  }
  return canonicalCopy(result.data);
}

/** Serialises entries as `{ "version": 1, "servers": [...] }`, sorted by name, 2-space indent, final newline. */
export function serializeRegistry(servers: Iterable<ServerInfo>): string {
  const sorted = [...servers].sort((a, b) => compareNames(a.name, b.name));
  return `${JSON.stringify({ version: REGISTRY_FILE_VERSION, servers: sorted }, null, 2)}\n`;
}

/** Whether two stored entries are the same (both are canonical copies: their keys come in one order). */
export function sameServer(a: ServerInfo, b: ServerInfo): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Orders names by UTF-16 code units: the same order on every machine and locale. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Parses a registry file's text. Accepts the current format, a bare array, and Cortex-OS's older
 * `{ servers }` envelope with `streamableHttp` / `endpoint` entries. Invalid or duplicate entries are
 * reported and skipped; the others are kept.
 */
export function parseRegistryText(text: string): ParsedRegistry {
  // A crash of a non-atomic writer (an editor, a copy) leaves an empty file: say so rather than "not JSON".
  if (text.trim() === '') return corrupt('is empty');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    // The parser's message quotes the text, which may hold secrets: say only what kind of problem it is.
    return corrupt('is not valid JSON');
  }
  const envelope = readEnvelope(document);
  if (envelope.kind !== 'ok') return envelope;
  const servers: ServerInfo[] = [];
  const problems: LoadProblem[] = [];
  const seen = new Set<string>();
  envelope.entries.forEach((raw, index) => {
    const result = ServerInfoSchema.safeParse(upgradeLegacyEntry(raw));
    const name = readableName(raw);
    if (!result.success) {
      const message = `servers[${index}] ${describeName(raw)}: ${formatIssues(result.error)}`;
      problems.push({ kind: 'invalid_entry', message, index, ...(name ? { name } : {}) });
    } else if (seen.has(result.data.name)) {
      const message = `servers[${index}]: duplicate name "${result.data.name}"; the first entry was kept`;
      problems.push({ kind: 'duplicate_entry', message, index, name: result.data.name });
    } else {
      seen.add(result.data.name);
      servers.push(canonicalCopy(result.data));
    }
  });
  return { kind: 'ok', servers, problems };
}

type Envelope = { kind: 'ok'; entries: unknown[] } | Exclude<ParsedRegistry, { kind: 'ok' }>;

function readEnvelope(document: unknown): Envelope {
  if (Array.isArray(document)) return { kind: 'ok', entries: document };
  if (typeof document !== 'object' || document === null) {
    return corrupt('is neither an array nor an object');
  }
  const { version, servers } = document as { version?: unknown; servers?: unknown };
  if (typeof version === 'number' && version > REGISTRY_FILE_VERSION) {
    return { kind: 'unsupported_version', version };
  }
  if (version !== undefined && version !== REGISTRY_FILE_VERSION) {
    return corrupt(`has an unknown "version" ${JSON.stringify(version)}`);
  }
  if (!Array.isArray(servers)) return corrupt('has no "servers" array');
  return { kind: 'ok', entries: servers };
}

/** Cortex-OS wrote `streamableHttp` and `endpoint`; read them as `streamable-http` and `url`. */
function upgradeLegacyEntry(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const entry = { ...(raw as Record<string, unknown>) };
  if (entry.transport === 'streamableHttp') entry.transport = 'streamable-http';
  if (entry.transport !== 'stdio' && 'endpoint' in entry && !('url' in entry)) {
    entry.url = entry.endpoint;
    delete entry.endpoint;
  }
  return entry;
}

function canonicalCopy(server: ServerInfo): ServerInfo {
  const source = structuredClone(server) as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const key of KEY_ORDER) if (source[key] !== undefined) ordered[key] = source[key];
  return ordered as ServerInfo;
}

function formatIssues(error: z.ZodError): string {
  return error.issues.map(formatIssue).join('; ');
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  if (issue.code === 'unrecognized_keys') {
    return `${where}unknown field ${issue.keys.map((key) => JSON.stringify(key)).join(', ')} (put free-form data in "metadata")`;
  }
  return `${where || 'entry: '}${issue.message}`;
}

function readableName(raw: unknown): string | undefined {
  const name = typeof raw === 'object' && raw !== null ? (raw as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name.length > 0 ? name.slice(0, 80) : undefined;
}

function describeName(raw: unknown): string {
  const name = readableName(raw);
  return name === undefined ? '(unnamed)' : JSON.stringify(name);
}

function corrupt(reason: string): Extract<ParsedRegistry, { kind: 'corrupt' }> {
  return { kind: 'corrupt', problem: { kind: 'corrupt_file', message: `registry file ${reason}` } };
}
