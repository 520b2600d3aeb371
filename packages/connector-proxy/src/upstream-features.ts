import type { ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { ConnectorProxyError } from './errors.js';

/** A server-side MCP feature a forwarded request needs the upstream to advertise. */
export type UpstreamFeature =
  | 'resources'
  | 'prompts'
  | 'completions'
  | 'resource subscriptions'
  | 'task-augmented tool calls'
  | 'tasks'
  | 'task cancellation'
  | 'task listing';

const CAPABILITY: Record<UpstreamFeature, { path: string; has(capabilities: ServerCapabilities): boolean }> =
  {
    resources: { path: 'resources', has: (c) => Boolean(c.resources) },
    prompts: { path: 'prompts', has: (c) => Boolean(c.prompts) },
    completions: { path: 'completions', has: (c) => Boolean(c.completions) },
    'resource subscriptions': { path: 'resources.subscribe', has: (c) => Boolean(c.resources?.subscribe) },
    'task-augmented tool calls': {
      path: 'tasks.requests.tools.call',
      has: (c) => Boolean(c.tasks?.requests?.tools?.call),
    },
    tasks: { path: 'tasks', has: (c) => Boolean(c.tasks) },
    'task cancellation': { path: 'tasks.cancel', has: (c) => Boolean(c.tasks?.cancel) },
    'task listing': { path: 'tasks.list', has: (c) => Boolean(c.tasks?.list) },
  };

/**
 * Checks that the upstream advertised `feature` in its `initialize` answer. MCP clients must not use a capability
 * the server did not declare, so the request is not sent at all.
 *
 * @throws {ConnectorProxyError} `unsupported`.
 */
export function requireFeature(
  connectorId: string,
  capabilities: ServerCapabilities | undefined,
  feature: UpstreamFeature,
  what: string,
): void {
  const capability = CAPABILITY[feature];
  if (capabilities && capability.has(capabilities)) return;
  throw new ConnectorProxyError(
    'unsupported',
    connectorId,
    `Connector "${connectorId}" does not offer ${feature}: its initialize answer did not advertise the \`${capability.path}\` capability, so ${what} was not sent. Do not offer ${feature} of this connector downstream.`,
  );
}
