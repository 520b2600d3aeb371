// What the host serves for an upstream answer, per docs/catalogue.md ("Names and URIs", "URIs inside answers") with
// MCP_NAME_PREFIX=always: tool and prompt names get `<connector>.`, resource URIs and templates get `<connector>+`,
// and every URI inside an answer is rewritten so it reads back through the host. Everything else stays as the
// upstream wrote it, except one documented omission: a tool's `execution` (apps/mcp-host/src/server/README.md,
// "tools/list": the host offers no task-augmented calls, so it drops the upstream's task hints).
import { NAMESPACE } from './bed.js';

/** A tool or prompt name as the host serves it. */
export const hostName = (name: string): string => `${NAMESPACE}.${name}`;

/** A resource URI or URI template as the host serves it. */
export const hostUri = (uri: string): string => `${NAMESPACE}+${uri}`;

/**
 * A direct answer with every URI in it (at any depth) in the host's form: the string members named in `uriKeys`
 * (by default the MCP members `uri` and `uriTemplate`; a client that renames them, as LangChain's content blocks
 * call a resource link's URI `url`, passes its own).
 */
export function urisAsServed<T>(value: T, uriKeys: readonly string[] = ['uri', 'uriTemplate']): T {
  if (Array.isArray(value)) return value.map((item) => urisAsServed(item, uriKeys)) as T;
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).map(([key, member]) => {
    const isUri = uriKeys.includes(key) && typeof member === 'string';
    return [key, isUri ? hostUri(member) : urisAsServed(member, uriKeys)];
  });
  return Object.fromEntries(entries) as T;
}

/** A direct `tools/list` item as the host lists it. */
export function toolAsServed<T extends { name: string; execution?: unknown }>(tool: T): Omit<T, 'execution'> {
  const { execution: _dropped, ...listed } = tool;
  return { ...listed, name: hostName(tool.name) };
}

/** A direct `prompts/list` item as the host lists it. */
export function promptAsServed<T extends { name: string }>(prompt: T): T {
  return { ...prompt, name: hostName(prompt.name) };
}
