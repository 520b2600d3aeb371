import type {
  ConnectorPromptDefinition,
  ConnectorResourceDefinition,
  ConnectorResourceTemplateDefinition,
  ConnectorToolDefinition,
  ToolHandler,
  ToolObjectSchema,
  ToolRegistryChange,
  ToolRegistryChangeEvent,
  ToolRegistryLogger,
} from '../src/index.js';

/** A handler that answers with the name it routes to, like the host's proxy closures. */
export function routeTo(originalName: string): ToolHandler {
  return async (args) => ({ content: [{ type: 'text', text: `${originalName}:${JSON.stringify(args)}` }] });
}

/** An upstream tool as a connector would list it. */
export function upstreamTool(
  name: string,
  overrides: Partial<ConnectorToolDefinition> = {},
): ConnectorToolDefinition {
  return {
    name,
    description: `Runs ${name}`,
    inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
    handler: routeTo(name),
    ...overrides,
  };
}

export interface LogLine {
  readonly level: 'warn' | 'error';
  readonly obj: Record<string, unknown>;
  readonly msg: string | undefined;
}

/** A pino-shaped logger that keeps what it was given. */
export function recordingLogger(): ToolRegistryLogger & { readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    warn: (obj, msg) => lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj: obj as Record<string, unknown>, msg }),
  };
}

/** An object schema nested `levels` deep (odd; even counts round up) through `properties.next`, built without recursion. */
export function deepSchema(levels: number): ToolObjectSchema {
  let schema: ToolObjectSchema = { type: 'object' };
  // Each wrapper adds two levels: the schema object and its `properties` object.
  for (let level = 1; level < levels; level += 2) schema = { type: 'object', properties: { next: schema } };
  return schema;
}

/** Arrays nested `levels` deep, built without recursion. */
export function deepArray(levels: number): unknown[] {
  let array: unknown[] = [];
  for (let level = 1; level < levels; level += 1) array = [array];
  return array;
}

const NO_CHANGE = { added: [], removed: [], changed: [] };

/**
 * The whole event a tools-only change produces: the tools change at the top level (as before resources and
 * prompts joined) and again under `changes.tools`, `kinds: ['tools']`, every other kind empty.
 */
export function toolsEvent(version: number, change: ToolRegistryChange): ToolRegistryChangeEvent {
  return {
    version,
    ...change,
    kinds: ['tools'],
    changes: { tools: change, resources: NO_CHANGE, resourceTemplates: NO_CHANGE, prompts: NO_CHANGE },
  };
}

/** An upstream resource as a connector would list it. */
export function upstreamResource(
  uri: string,
  overrides: Partial<ConnectorResourceDefinition> = {},
): ConnectorResourceDefinition {
  return { uri, name: uri.split('/').at(-1) || uri, mimeType: 'text/plain', ...overrides };
}

/** An upstream resource template. */
export function upstreamTemplate(
  uriTemplate: string,
  overrides: Partial<ConnectorResourceTemplateDefinition> = {},
): ConnectorResourceTemplateDefinition {
  return { uriTemplate, name: `template ${uriTemplate}`, ...overrides };
}

/** An upstream prompt with one required argument. */
export function upstreamPrompt(
  name: string,
  overrides: Partial<ConnectorPromptDefinition> = {},
): ConnectorPromptDefinition {
  return {
    name,
    description: `Prompt ${name}`,
    arguments: [{ name: 'topic', description: 'What about', required: true }],
    ...overrides,
  };
}

/** Records every change event. */
export function recordEvents(registry: {
  onChange(listener: (event: ToolRegistryChangeEvent) => void): () => void;
}): ToolRegistryChangeEvent[] {
  const events: ToolRegistryChangeEvent[] = [];
  registry.onChange((event) => {
    events.push(event);
  });
  return events;
}
