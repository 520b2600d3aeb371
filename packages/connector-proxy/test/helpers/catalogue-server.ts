import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolRequestSchema,
  CompleteRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  type Prompt,
  ReadResourceRequestSchema,
  type Resource,
  type ResourceTemplate,
  type ServerCapabilities,
  SubscribeRequestSchema,
  type Tool,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import {
  answerComplete,
  answerGetPrompt,
  answerRead,
  rpcError,
  type SlowReadWatch,
} from './catalogue-answers.js';

/** The lists a catalogue server serves, page by page (cursors "page-1", "page-2", ...). Mutable: tests edit them. */
export interface CataloguePages {
  tools: Tool[][];
  resources: Resource[][];
  resourceTemplates: ResourceTemplate[][];
  prompts: Prompt[][];
}

/** What the upstream saw, shared by every session a fixture creates. */
export interface UpstreamSeen extends SlowReadWatch {
  /** Every JSON-RPC request and notification method received, in order. */
  methods: string[];
  subscribed: string[];
  unsubscribed: string[];
}

/** Options of {@link createCatalogueServer}. */
export interface CatalogueServerOptions {
  pages: CataloguePages;
  seen: UpstreamSeen;
  /** Default: tools, resources (subscribe, listChanged), prompts (listChanged) and completions. */
  capabilities?: ServerCapabilities;
  /** Advertised methods left without a handler, so the SDK answers -32601. */
  unanswered?: string[];
  /** Always answer this cursor as the next one (a broken upstream). */
  repeatCursor?: string;
  /** `resources/subscribe` of these URIs is refused with -32602. */
  refuseSubscribe?: string[];
}

export const ALL_CAPABILITIES: ServerCapabilities = {
  tools: {},
  resources: { subscribe: true, listChanged: true },
  prompts: { listChanged: true },
  completions: {},
};

export const INSTRUCTIONS = 'Read fixture://text first.';

/** Fresh observations. */
export function newSeen(): UpstreamSeen {
  return { methods: [], subscribed: [], unsubscribed: [], cancelled: [], slowReadStarted: [] };
}

/** One page per list, with one item each. */
export function onePageEach(): CataloguePages {
  return {
    tools: [[{ name: 'echo', inputSchema: { type: 'object' } }]],
    resources: [[{ uri: 'fixture://text', name: 'text', mimeType: 'text/plain' }]],
    resourceTemplates: [[{ uriTemplate: 'fixture://items/{id}', name: 'items' }]],
    prompts: [[{ name: 'greet', arguments: [{ name: 'name', required: true }] }]],
  };
}

/**
 * A low-level SDK `Server` answering every server-side MCP feature from `pages`, with answers from
 * catalogue-answers.ts. Records what it saw in `seen`.
 */
export function createCatalogueServer(options: CatalogueServerOptions): Server {
  const { pages, seen } = options;
  const capabilities = options.capabilities ?? ALL_CAPABILITIES;
  const server = new Server(
    { name: 'catalogue', version: '1.0.0' },
    { capabilities, instructions: INSTRUCTIONS },
  );
  const unanswered = new Set(options.unanswered);
  const serves = (needs: keyof ServerCapabilities, method: string) =>
    Boolean(capabilities[needs]) && !unanswered.has(method);
  const paged =
    <T>(list: T[][], key: string) =>
    async (request: { params?: { cursor?: string } }) => {
      const cursor = request.params?.cursor;
      const index = cursor === undefined ? 0 : Number(cursor.replace('page-', ''));
      const next = options.repeatCursor ?? (index < list.length - 1 ? `page-${index + 1}` : undefined);
      return { [key]: list[index] ?? [], ...(next === undefined ? {} : { nextCursor: next }) };
    };
  if (serves('tools', 'tools/list'))
    server.setRequestHandler(ListToolsRequestSchema, paged(pages.tools, 'tools'));
  if (serves('tools', 'tools/call')) {
    server.setRequestHandler(CallToolRequestSchema, async (request) => {
      throw rpcError(-32602, `bad arguments for ${request.params.name}`, { field: 'text' });
    });
  }
  if (serves('resources', 'resources/list')) {
    server.setRequestHandler(ListResourcesRequestSchema, paged(pages.resources, 'resources'));
  }
  if (serves('resources', 'resources/templates/list')) {
    const list = paged(pages.resourceTemplates, 'resourceTemplates');
    server.setRequestHandler(ListResourceTemplatesRequestSchema, list);
  }
  if (serves('resources', 'resources/read')) {
    server.setRequestHandler(ReadResourceRequestSchema, (request, extra) => answerRead(request, extra, seen));
  }
  if (serves('resources', 'resources/subscribe')) {
    server.setRequestHandler(SubscribeRequestSchema, async (request) => {
      if (options.refuseSubscribe?.includes(request.params.uri)) {
        throw rpcError(-32602, `cannot subscribe to ${request.params.uri}`);
      }
      seen.subscribed.push(request.params.uri);
      return {};
    });
    server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
      seen.unsubscribed.push(request.params.uri);
      return {};
    });
  }
  if (serves('prompts', 'prompts/list')) {
    server.setRequestHandler(ListPromptsRequestSchema, paged(pages.prompts, 'prompts'));
  }
  if (serves('prompts', 'prompts/get')) server.setRequestHandler(GetPromptRequestSchema, answerGetPrompt);
  if (serves('completions', 'completion/complete')) {
    server.setRequestHandler(CompleteRequestSchema, answerComplete);
  }
  recordMethods(server, seen);
  return server;
}

/** Records the method of every message the server receives, before the SDK handles it. */
function recordMethods(server: Server, seen: UpstreamSeen): void {
  const connect = server.connect.bind(server);
  server.connect = async (transport: Transport) => {
    await connect(transport);
    const deliver = transport.onmessage;
    transport.onmessage = (message, extra) => {
      if ('method' in message) seen.methods.push(message.method);
      deliver?.(message, extra);
    };
  };
}
