import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CreateMessageResultSchema,
  ElicitResultSchema,
  ListRootsResultSchema,
  RootsListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

const ASKS = {
  sampling: (tag: string) => ({
    request: {
      method: 'sampling/createMessage' as const,
      params: {
        messages: [{ role: 'user' as const, content: { type: 'text' as const, text: `sample ${tag}` } }],
        maxTokens: 10,
      },
    },
    schema: CreateMessageResultSchema,
  }),
  elicitation: (tag: string) => ({
    request: {
      method: 'elicitation/create' as const,
      params: {
        message: `elicit ${tag}`,
        requestedSchema: { type: 'object' as const, properties: { answer: { type: 'string' as const } } },
      },
    },
    schema: ElicitResultSchema,
  }),
  roots: () => ({ request: { method: 'roots/list' as const }, schema: ListRootsResultSchema }),
};

/**
 * An McpServer whose `ask` tool, while serving the call, logs `log <tag>` and sends the server→client requests
 * named in `ask` on the call's own stream (`extra.sendRequest` relates them to the call). It first waits until
 * `together` calls of this session have arrived, so that many are in flight at once. With `echoToken`, the log and
 * the requests carry the call's progress token in `_meta`. It answers with what each request got back, or its
 * error message (and code, when it has one). Its `roots-changes` tool counts the `notifications/roots/list_changed`
 * it got; `finish-elicitation` sends `notifications/elicitation/complete` for the id it is given.
 */
export function createRelayServer(): McpServer {
  const server = new McpServer({ name: 'relay', version: '1.0.0' }, { capabilities: { logging: {} } });
  let rootsChanges = 0;
  server.server.setNotificationHandler(RootsListChangedNotificationSchema, () => {
    rootsChanges++;
  });
  server.registerTool('roots-changes', {}, async () => ({
    content: [{ type: 'text', text: String(rootsChanges) }],
  }));
  // Asks for roots and for a sample the way some servers do: outside the call (on no request's stream).
  server.registerTool('ask-outside', {}, async () => {
    const answers: unknown[] = [];
    for (const ask of [
      () => server.server.listRoots(),
      () => server.server.createMessage(ASKS.sampling('out').request.params),
    ]) {
      answers.push(
        await ask().catch((error: Error & { code?: number }) => ({ error: error.message, code: error.code })),
      );
    }
    return { content: [{ type: 'text', text: JSON.stringify(answers) }] };
  });
  server.registerTool('finish-elicitation', { inputSchema: { id: z.string() } }, async ({ id }, extra) => {
    await extra.sendNotification({
      method: 'notifications/elicitation/complete',
      params: { elicitationId: id },
    });
    return { content: [{ type: 'text', text: 'sent' }] };
  });
  let waiting: Array<() => void> = [];
  const gather = (together: number) =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (waiting.length < together) return;
      for (const release of waiting) release();
      waiting = [];
    });
  server.registerTool(
    'ask',
    {
      inputSchema: {
        tag: z.string(),
        together: z.number(),
        ask: z.array(z.enum(['sampling', 'elicitation', 'roots'])),
        echoToken: z.boolean().optional(),
      },
    },
    async ({ tag, together, ask, echoToken }, extra) => {
      await gather(together);
      const progressToken = extra._meta?.progressToken;
      const _meta = echoToken && progressToken !== undefined ? { _meta: { progressToken } } : {};
      await extra.sendNotification({
        method: 'notifications/message',
        params: { level: 'info', data: `log ${tag}`, ..._meta },
      });
      const answers: unknown[] = [];
      for (const kind of ask) {
        const { request, schema } = ASKS[kind](tag);
        try {
          const sent = { ...request, params: { ...('params' in request ? request.params : {}), ..._meta } };
          answers.push(await extra.sendRequest(sent as typeof request, schema as never));
        } catch (error) {
          const { message, code, data } = error as Error & { code?: number; data?: unknown };
          answers.push({
            error: message,
            ...(code === undefined ? {} : { code }),
            ...(data === undefined ? {} : { data }),
          });
        }
      }
      return { content: [{ type: 'text', text: JSON.stringify(answers) }] };
    },
  );
  return server;
}
