import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  type CallToolRequest,
  ErrorCode,
  ListToolsRequestSchema,
  LoggingLevelSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { HostServerInfo } from '../types.js';
import { ClientLink, type ClientLinkOptions } from './client-relay.js';
import type { CatalogueRouting } from './forwarded.js';
import type { GrantedCatalogue } from './granted-catalogue.js';
import { complete, getPrompt, listPrompts } from './prompt-requests.js';
import {
  listResources,
  listResourceTemplates,
  readResource,
  subscribeResource,
  unsubscribeResource,
} from './resource-requests.js';
import {
  forwardTaskRequest,
  HOST_TASKS_CAPABILITY,
  listTasks,
  startToolTask,
  type TaskBook,
} from './tasks.js';
import { routeToolCall, type ToolCallRouting } from './tool-call.js';
import { listedTools } from './tool-listing.js';

/**
 * What the server advertises: every server feature its upstreams can have — tools, resources (with subscriptions),
 * prompts, each of which may change (`listChanged`), completion — and forwarded log messages. A feature no
 * connector offers lists empty.
 */
export const HOST_SERVER_CAPABILITIES = {
  tools: { listChanged: true },
  resources: { subscribe: true, listChanged: true },
  prompts: { listChanged: true },
  completions: {},
  logging: {},
} as const;

/** Notifications sent at most once per tick per session, so a sync that swaps several connectors sends one. */
const DEBOUNCED = [
  'notifications/tools/list_changed',
  'notifications/resources/list_changed',
  'notifications/prompts/list_changed',
];

/**
 * A request as the low-level protocol layer sees it: the method, nothing more. With the SDK's full schemas there,
 * the SDK parses each request before any handler runs and answers malformed params with InternalError (-32603), as
 * if the host had failed. With these, `tools/call` gets the SDK `Server`'s own check and the other methods the
 * handlers' own, both answering InvalidParams (-32602), the error JSON-RPC names for it.
 */
function method<M extends string>(name: M) {
  return z.looseObject({ method: z.literal(name), params: z.unknown().optional() });
}

/** What one session is wired to: tool calls, everything else the catalogue serves, and when lists may answer. */
export type SessionRouting = ToolCallRouting &
  CatalogueRouting & {
    /**
     * Undefined when lists answer at once; else what a list awaits first (a cold start's first lists wait for the
     * first sync, bounded by whoever provides the promise).
     */
    readonly firstListReady?: (() => Promise<void> | undefined) | undefined;
  };

/** A list's answer, once the surface lets lists through. Synchronous when nothing holds them. */
function whenListsReady<T>(routing: SessionRouting, answer: () => T): T | Promise<T> {
  const ready = routing.firstListReady?.();
  return ready ? ready.then(answer) : answer();
}

/**
 * One SDK `Server` for one client session, wired to the catalogue: lists answer from the current snapshots (once
 * `routing.firstListReady` lets them), `tools/call` routes to the tool's handler, reads, prompts, completions and
 * subscriptions to the owning connector.
 * The low-level `Server` is used on purpose: schemas and items pass through as the upstream wrote them, with no zod
 * round trip.
 */
export function createMcpSession(
  serverInfo: HostServerInfo,
  shared: SessionRouting,
  link: ClientLinkOptions,
  options: {
    instructions?: string | undefined;
    tasks?: TaskBook | undefined;
    /** The client's view of the catalogue, when the door let it in with scopes to check. */
    granted?: GrantedCatalogue | undefined;
    /** Who the client is, for the audit log. */
    subject?: string | undefined;
  } = {},
): Server {
  const { instructions, tasks, granted, subject } = options;
  const server = new Server(
    { name: serverInfo.name, version: serverInfo.version },
    {
      capabilities: tasks
        ? { ...HOST_SERVER_CAPABILITIES, tasks: HOST_TASKS_CAPABILITY }
        : HOST_SERVER_CAPABILITIES,
      debouncedNotificationMethods: DEBOUNCED,
      ...(instructions === undefined ? {} : { instructions }),
    },
  );
  const client = new ClientLink(server, link);
  const routing: SessionRouting = {
    ...shared,
    ...(granted && { tools: granted, catalogue: granted }),
    client,
    subject,
  };
  wireClientFeatures(server, routing, client);
  server.setRequestHandler(ListToolsRequestSchema, () =>
    whenListsReady(routing, () => ({ tools: listedTools(routing.tools.listTools(), tasks !== undefined) })),
  );
  const taskRouting = tasks && { ...routing, tasks, session: server };
  server.setRequestHandler(method('tools/call'), (request, extra) => {
    const call = request as CallToolRequest;
    return taskRouting && call.params.task
      ? startToolTask(taskRouting, call, extra)
      : routeToolCall(routing, call, extra);
  });
  if (taskRouting) {
    for (const name of ['tasks/get', 'tasks/result', 'tasks/cancel'] as const) {
      server.setRequestHandler(method(name), (request, extra) =>
        forwardTaskRequest(taskRouting, name, request.params, extra),
      );
    }
    server.setRequestHandler(method('tasks/list'), (_request, extra) => listTasks(taskRouting, extra));
  }
  server.setRequestHandler(method('resources/list'), () =>
    whenListsReady(routing, () => listResources(routing)),
  );
  server.setRequestHandler(method('resources/templates/list'), () =>
    whenListsReady(routing, () => listResourceTemplates(routing)),
  );
  server.setRequestHandler(method('resources/read'), (request, extra) =>
    readResource(routing, request.params, extra),
  );
  server.setRequestHandler(method('resources/subscribe'), (request, extra) =>
    subscribeResource(routing, server, request.params, extra),
  );
  server.setRequestHandler(method('resources/unsubscribe'), (request) =>
    unsubscribeResource(routing, server, request.params),
  );
  server.setRequestHandler(method('prompts/list'), () => whenListsReady(routing, () => listPrompts(routing)));
  server.setRequestHandler(method('prompts/get'), (request, extra) =>
    getPrompt(routing, request.params, extra),
  );
  server.setRequestHandler(method('completion/complete'), (request, extra) =>
    complete(routing, request.params, extra),
  );
  return server;
}

/**
 * What the client tells the host about itself: its log level (`logging/setLevel`, applied to the upstream log
 * messages its requests cause) and that its roots changed (passed on to every connector its requests went to).
 */
function wireClientFeatures(server: Server, routing: SessionRouting, client: ClientLink): void {
  server.setRequestHandler(method('logging/setLevel'), (request) => {
    const level = LoggingLevelSchema.safeParse((request.params as { level?: unknown } | undefined)?.level);
    if (!level.success) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `logging/setLevel needs params.level, one of ${LoggingLevelSchema.options.join(', ')}.`,
      );
    }
    client.setLevel(level.data);
    return {};
  });
  server.setNotificationHandler(method('notifications/roots/list_changed'), () => {
    for (const connectorId of client.connectors) {
      routing.upstream.rootsListChanged(connectorId).catch((error: unknown) => {
        routing.logger.debug?.({ err: error, connectorId }, 'could not pass roots/list_changed on');
      });
    }
  });
}
