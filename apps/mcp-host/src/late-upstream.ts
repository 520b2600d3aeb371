import type { UpstreamInstructions, UpstreamRouter } from './server/index.js';

/** Where a {@link lateUpstream} finds the manager's router. */
export interface LateUpstreamSource {
  /** The manager's router once the manager has started; undefined before. */
  readonly current: () => UpstreamRouter | undefined;
  /** Starts the connect phase if it has not started, and resolves with the router once the manager has started. */
  readonly whenStarted: () => Promise<UpstreamRouter>;
  /** The instructions to announce before the manager has started (the persisted ones). */
  readonly earlyInstructions: () => readonly UpstreamInstructions[];
}

/**
 * The MCP surface's router while the connect phase may not be loaded yet (a warm start serves the persisted
 * catalogue before it): a request waits for the manager — and starts loading it — then goes to the manager's router.
 */
export function lateUpstream(source: LateUpstreamSource): UpstreamRouter {
  const router = async () => source.current() ?? (await source.whenStarted());
  return {
    readResource: async (connectorId, uri, context) =>
      (await router()).readResource(connectorId, uri, context),
    getPrompt: async (connectorId, name, args, context) =>
      (await router()).getPrompt(connectorId, name, args, context),
    complete: async (connectorId, params, context) => (await router()).complete(connectorId, params, context),
    subscribeResource: async (connectorId, uri, context) =>
      (await router()).subscribeResource(connectorId, uri, context),
    unsubscribeResource: async (connectorId, uri) => {
      // Nothing can have been subscribed before the manager started.
      await source.current()?.unsubscribeResource(connectorId, uri);
    },
    callToolAsTask: async (connectorId, name, args, task, context) =>
      (await router()).callToolAsTask(connectorId, name, args, task, context),
    taskRequest: async (connectorId, method, params, context) =>
      (await router()).taskRequest(connectorId, method, params, context),
    // A client's roots changing before the manager started concerns no upstream yet: each asks at its handshake.
    rootsListChanged: async (connectorId) => {
      await source.current()?.rootsListChanged(connectorId);
    },
    instructions: () => source.current()?.instructions() ?? source.earlyInstructions(),
  };
}
