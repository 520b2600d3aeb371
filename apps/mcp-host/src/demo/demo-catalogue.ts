import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SubscribeRequestSchema, UnsubscribeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

/** What the demo connectors share about resources: subscriptions and the notes added at run time. */
export interface DemoCatalogueState {
  /** Upstream sessions subscribed to each URI: what a test counts at the upstream. */
  readonly subscribers: Map<string, Set<McpServer>>;
  /** Every session, so a list change reaches all of them. */
  readonly sessions: Set<McpServer>;
}

/** The URIs every demo connector serves (the same on each one, so two demo connectors collide on purpose). */
export const DEMO_URIS = {
  readme: 'note:///readme',
  logo: 'note:///logo.png',
  noteTemplate: 'note:///notes/{id}',
} as const;

const LOGO_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAfbLI3wAAAABJRU5ErkJggg==';
const NOTE_IDS = ['alpha', 'beta', 'gamma', 'release-plan'];

/** The subscriptions of the connector's sessions: the number of sessions subscribed to each URI. */
export function activeSubscriptions(state: DemoCatalogueState): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [uri, sessions] of state.subscribers) if (sessions.size > 0) counts[uri] = sessions.size;
  return counts;
}

/**
 * Gives a demo connector session resources, a resource template with completion, prompts (one with an argument
 * that completes, one whose message embeds a resource), resource subscriptions and, with `withTools`, tools that
 * exercise them: `link` (returns a `resource_link`), `touch` (tells subscribers a resource changed), `add-note` and
 * `add-prompt` (change the lists, so the connector sends `list_changed`).
 */
export function registerDemoCatalogue(
  server: McpServer,
  name: string,
  state: DemoCatalogueState,
  withTools: boolean,
): void {
  server.registerResource(
    'readme',
    DEMO_URIS.readme,
    {
      title: `About ${name}`,
      description: `What the ${name} demo connector serves.`,
      mimeType: 'text/markdown',
      icons: [{ src: 'https://example.com/readme.png', mimeType: 'image/png' }],
      _meta: { 'demo/kind': 'readme' },
    },
    async (uri) => ({
      contents: [{ uri: uri.href, mimeType: 'text/markdown', text: `# ${name}\nA demo MCP server.` }],
    }),
  );
  server.registerResource('logo', DEMO_URIS.logo, { mimeType: 'image/png' }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'image/png', blob: LOGO_PNG_BASE64 }],
  }));
  server.registerResource(
    'note',
    new ResourceTemplate(DEMO_URIS.noteTemplate, {
      list: undefined,
      complete: { id: (value) => NOTE_IDS.filter((id) => id.startsWith(value)) },
    }),
    { title: 'A note by id', mimeType: 'text/plain' },
    async (uri, variables) => ({
      contents: [{ uri: uri.href, mimeType: 'text/plain', text: `${name} note ${String(variables.id)}` }],
    }),
  );
  registerDemoPrompts(server, name);
  registerDemoSubscriptions(server, state);
  if (withTools) registerCatalogueTools(server, name, state);
}

function registerDemoPrompts(server: McpServer, name: string): void {
  server.registerPrompt(
    'summarize',
    {
      title: 'Summarize a topic',
      description: `Asks for a summary of a topic (${name}).`,
      argsSchema: {
        topic: completable(z.string().describe('What to summarize'), (value) =>
          ['release', 'roadmap', 'retro'].filter((topic) => topic.startsWith(value)),
        ),
      },
    },
    ({ topic }) => ({
      messages: [{ role: 'user', content: { type: 'text', text: `${name}: summarize ${topic}` } }],
    }),
  );
  server.registerPrompt('with-readme', { description: 'A prompt whose message embeds the readme.' }, () => ({
    messages: [
      {
        role: 'user',
        content: {
          type: 'resource',
          resource: { uri: DEMO_URIS.readme, mimeType: 'text/markdown', text: `# ${name}` },
        },
      },
    ],
  }));
}

function registerDemoSubscriptions(server: McpServer, state: DemoCatalogueState): void {
  state.sessions.add(server);
  server.server.registerCapabilities({ resources: { subscribe: true, listChanged: true } });
  server.server.setRequestHandler(SubscribeRequestSchema, ({ params }) => {
    const sessions = state.subscribers.get(params.uri) ?? new Set<McpServer>();
    sessions.add(server);
    state.subscribers.set(params.uri, sessions);
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, ({ params }) => {
    state.subscribers.get(params.uri)?.delete(server);
    return {};
  });
  const close = server.server.onclose;
  server.server.onclose = () => {
    close?.();
    state.sessions.delete(server);
    for (const sessions of state.subscribers.values()) sessions.delete(server);
  };
}

function registerCatalogueTools(server: McpServer, name: string, state: DemoCatalogueState): void {
  server.registerTool(
    'link',
    {
      description: 'Returns a link to a note, readable with resources/read.',
      inputSchema: { id: z.string() },
    },
    async ({ id }) => ({
      content: [
        { type: 'text', text: `note ${id} of ${name}` },
        { type: 'resource_link', uri: `note:///notes/${id}`, name: `note-${id}`, mimeType: 'text/plain' },
      ],
    }),
  );
  server.registerTool(
    'touch',
    { description: 'Tells the subscribers of a resource that it changed.', inputSchema: { uri: z.string() } },
    async ({ uri }) => {
      const sessions = [...(state.subscribers.get(uri) ?? [])];
      await Promise.all(sessions.map((session) => session.server.sendResourceUpdated({ uri })));
      return { content: [{ type: 'text', text: `told ${sessions.length} subscriber(s)` }] };
    },
  );
  server.registerTool(
    'add-note',
    { description: 'Adds a resource, so the resource list changes.', inputSchema: { id: z.string() } },
    async ({ id }) => {
      for (const session of state.sessions) {
        session.registerResource(
          `added-${id}`,
          `note:///added/${id}`,
          { mimeType: 'text/plain' },
          async (uri) => ({
            contents: [{ uri: uri.href, text: `added note ${id}` }],
          }),
        );
      }
      return { content: [{ type: 'text', text: `added note ${id}` }] };
    },
  );
  server.registerTool(
    'add-prompt',
    { description: 'Adds a prompt, so the prompt list changes.', inputSchema: { name: z.string() } },
    async ({ name: promptName }) => {
      for (const session of state.sessions) {
        session.registerPrompt(promptName, { description: 'Added at run time.' }, () => ({
          messages: [{ role: 'user', content: { type: 'text', text: promptName } }],
        }));
      }
      return { content: [{ type: 'text', text: `added prompt ${promptName}` }] };
    },
  );
}
