/**
 * Rewrites the resource URIs inside upstream answers to the URIs the host hands out, so every URI a client gets
 * reads back through the host: `resource_link` items and embedded `resource` items of tool results and prompt
 * messages, and the `contents` of a resource read. An answer without URIs to change is returned as it is (the
 * same object); otherwise only the changed parts are copied, everything else passes through unchanged.
 */

/** Maps a URI in the upstream's form to the one the host hands out (`registry.publicResourceUri` for a connector). */
export type PublicUri = (upstreamUri: string) => string;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One content block with its URI rewritten, or the same block when it holds none that changes. */
export function rewriteContentBlock<T>(block: T, toPublic: PublicUri): T {
  if (!isObject(block)) return block;
  if (block.type === 'resource_link' && typeof block.uri === 'string') {
    const uri = toPublic(block.uri);
    return uri === block.uri ? block : ({ ...block, uri } as T);
  }
  if (block.type === 'resource' && isObject(block.resource) && typeof block.resource.uri === 'string') {
    const uri = toPublic(block.resource.uri);
    return uri === block.resource.uri ? block : ({ ...block, resource: { ...block.resource, uri } } as T);
  }
  return block;
}

/** `list` with each element mapped; the same array when no element changed. */
function mapList<T>(list: readonly T[], map: (item: T) => T): readonly T[] {
  let changed: T[] | undefined;
  list.forEach((item, index) => {
    const next = map(item);
    if (next !== item) {
      changed ??= list.slice();
      changed[index] = next;
    }
  });
  return changed ?? list;
}

/** A `tools/call` result with the URIs of its content rewritten. */
export function rewriteToolResult<T>(result: T, toPublic: PublicUri): T {
  if (!isObject(result) || !Array.isArray(result.content)) return result;
  const content = mapList(result.content, (block) => rewriteContentBlock(block, toPublic));
  return content === result.content ? result : ({ ...result, content } as T);
}

/** A `prompts/get` result with the URIs of its messages' content rewritten. */
export function rewritePromptResult<T>(result: T, toPublic: PublicUri): T {
  if (!isObject(result) || !Array.isArray(result.messages)) return result;
  const messages = mapList(result.messages, (message: unknown) => {
    if (!isObject(message)) return message;
    const content = rewriteContentBlock(message.content, toPublic);
    return content === message.content ? message : { ...message, content };
  });
  return messages === result.messages ? result : ({ ...result, messages } as T);
}

/** A `resources/read` result with the URI of each content rewritten. */
export function rewriteReadResult<T>(result: T, toPublic: PublicUri): T {
  if (!isObject(result) || !Array.isArray(result.contents)) return result;
  const contents = mapList(result.contents, (item: unknown) => {
    if (!isObject(item) || typeof item.uri !== 'string') return item;
    const uri = toPublic(item.uri);
    return uri === item.uri ? item : { ...item, uri };
  });
  return contents === result.contents ? result : ({ ...result, contents } as T);
}
