import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import { isPlainObject } from './frozen-data.js';
import { hasUriScheme } from './resource-uri.js';
import { metadataProblem } from './tool-entry.js';

/** What is wrong with an upstream entry; `uri` marks a problem with its `uri` / `uriTemplate`. */
export interface ItemProblem {
  readonly text: string;
  readonly uri?: boolean;
}

const NO_SCHEME = 'that is not a string starting with a scheme (e.g. file:///notes.txt)';

/** What is wrong with an upstream resource, or undefined when it is well-formed. Never recurses. */
export function resourceProblem(item: unknown): ItemProblem | undefined {
  if (!isPlainObject(item)) return { text: 'is not an object' };
  if (!hasUriScheme(item.uri)) return { text: `has a uri ${NO_SCHEME}`, uri: true };
  if (
    item.size !== undefined &&
    !(typeof item.size === 'number' && Number.isFinite(item.size) && item.size >= 0)
  ) {
    return { text: 'has a size that is not a non-negative number; pass bytes or leave it out' };
  }
  return described(item, ['name', 'title', 'description', 'mimeType'], ['annotations', '_meta']);
}

/**
 * What is wrong with an upstream resource template, or undefined. The template must start with a literal
 * scheme (so its prefixed form stays a URI) and parse as an RFC 6570 template with the MCP SDK.
 */
export function resourceTemplateProblem(item: unknown): ItemProblem | undefined {
  if (!isPlainObject(item)) return { text: 'is not an object' };
  if (!hasUriScheme(item.uriTemplate)) return { text: `has a uriTemplate ${NO_SCHEME}`, uri: true };
  try {
    new UriTemplate(item.uriTemplate);
  } catch (error) {
    return { text: `has a uriTemplate the MCP SDK cannot parse (${(error as Error).message})`, uri: true };
  }
  return described(item, ['name', 'title', 'description', 'mimeType'], ['annotations', '_meta']);
}

/** What is wrong with an upstream prompt, or undefined when it is well-formed. */
export function promptProblem(item: unknown): ItemProblem | undefined {
  if (!isPlainObject(item)) return { text: 'is not an object' };
  if (item.arguments !== undefined) {
    if (!Array.isArray(item.arguments))
      return { text: 'has non-array arguments; pass an array or leave it out' };
    const index = item.arguments.findIndex((argument) => argumentProblem(argument) !== undefined);
    if (index >= 0) return { text: `has argument #${index} that ${argumentProblem(item.arguments[index])}` };
  }
  return described(item, ['name', 'title', 'description'], ['_meta']);
}

function argumentProblem(argument: unknown): string | undefined {
  if (!isPlainObject(argument)) return 'is not an object';
  if (typeof argument.name !== 'string') return 'has no string name';
  for (const field of ['title', 'description']) {
    if (argument[field] !== undefined && typeof argument[field] !== 'string')
      return `has a non-string ${field}`;
  }
  if (argument.required !== undefined && typeof argument.required !== 'boolean') {
    return 'has a non-boolean required';
  }
  return undefined;
}

/**
 * The members every kind shares: `strings[0]` is required (the name), the other strings optional, the
 * `objects` optional plain objects, `icons` an optional array, `metadata` as for tools.
 */
function described(
  item: Record<string, unknown>,
  strings: readonly string[],
  objects: readonly string[],
): ItemProblem | undefined {
  const [required, ...optional] = strings;
  if (required !== undefined && typeof item[required] !== 'string')
    return { text: `has no string ${required}` };
  for (const field of optional) {
    if (item[field] !== undefined && typeof item[field] !== 'string') {
      return { text: `has a non-string ${field}; pass a string or leave it out` };
    }
  }
  for (const field of objects) {
    if (item[field] !== undefined && !isPlainObject(item[field])) {
      return { text: `has a non-object ${field}; pass a plain object or leave it out` };
    }
  }
  if (item.icons !== undefined && !Array.isArray(item.icons)) {
    return { text: 'has non-array icons; pass an array or leave it out' };
  }
  const metadata = item.metadata === undefined ? undefined : metadataProblem(item.metadata);
  return metadata === undefined ? undefined : { text: metadata };
}
