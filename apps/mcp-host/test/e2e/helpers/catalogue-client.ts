import { preserveNotificationOrder } from '@cortex-mcp/connector-proxy';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';

/** What a client heard besides answers: list changes per kind, and resource updates (their URIs, in order). */
export interface HeardNotifications {
  readonly tools: number;
  readonly resources: number;
  readonly prompts: number;
  readonly updated: readonly string[];
}

/** An SDK client that records the catalogue notifications it receives. */
export interface CatalogueClient {
  readonly client: Client;
  heard(): HeardNotifications;
  /** Ends the session as a client that leaves does (HTTP DELETE), then closes the client. */
  terminate(): Promise<void>;
  close(): Promise<void>;
}

/** Hooks the notification counters on `client` (before it connects). */
export function recordCatalogueNotifications(client: Client): () => HeardNotifications {
  const heard = { tools: 0, resources: 0, prompts: 0, updated: [] as string[] };
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    heard.tools += 1;
  });
  client.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
    heard.resources += 1;
  });
  client.setNotificationHandler(PromptListChangedNotificationSchema, () => {
    heard.prompts += 1;
  });
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
    heard.updated.push(notification.params.uri);
  });
  return () => ({ ...heard, updated: [...heard.updated] });
}

/** A real SDK client on a Streamable HTTP endpoint that records catalogue notifications. */
export async function connectCatalogueClient(mcpUrl: string): Promise<CatalogueClient> {
  const client = new Client({ name: 'e2e-catalogue', version: '1.0.0' });
  const heard = recordCatalogueNotifications(client);
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl));
  await client.connect(transport);
  preserveNotificationOrder(transport);
  return {
    client,
    heard,
    terminate: async () => {
      await transport.terminateSession();
      await client.close();
    },
    close: () => client.close(),
  };
}
