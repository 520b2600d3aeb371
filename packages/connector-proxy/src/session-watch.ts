import { SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import {
  ElicitationCompleteNotificationSchema,
  LoggingMessageNotificationSchema,
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
  TaskStatusNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { isHarmlessRequestError } from './error-mapping.js';
import { describeError } from './errors.js';
import { isSessionExpired } from './http-errors.js';
import type { ResolvedOptions, UpstreamLogEntry } from './options.js';
import { runCallback } from './proxy-log.js';
import type { Session } from './session.js';

/** Which `notifications/<kind>/list_changed` an upstream sent. */
export type ListChangeKind = 'tools' | 'resources' | 'prompts';

/** What a {@link SessionWatch} reports to: the proxy that owns the sessions. */
export interface SessionWatchHooks {
  /** True while `session` is the proxy's session and calls go through. */
  isLive(session: Session): boolean;
  /** The connection of the live `session` is gone. */
  lost(session: Session, cause: unknown): void;
  /** The live session sent `notifications/<kind>/list_changed`. */
  listChanged(kind: ListChangeKind): void;
  /** The live session sent `notifications/resources/updated` for `uri`. */
  resourceUpdated(uri: string): void;
  /** A session sent `notifications/message`. */
  upstreamLog(entry: Omit<UpstreamLogEntry, 'connectorId'>): void;
  /** The live session sent `notifications/elicitation/complete` for a URL-mode elicitation. */
  elicitationComplete(elicitationId: string): void;
}

/**
 * Watches the sessions of one proxy and decides when a connection is gone: a close, a broken legacy SSE stream
 * or an expired Streamable HTTP session means lost at once; any other transport error or failed request is
 * checked with a ping.
 */
export class SessionWatch {
  readonly #options: ResolvedOptions;
  readonly #hooks: SessionWatchHooks;
  #probing = false;

  /** `options` give the ping's timeout (`connectTimeoutMs`) and the logger. */
  constructor(options: ResolvedOptions, hooks: SessionWatchHooks) {
    this.#options = options;
    this.#hooks = hooks;
  }

  /** Hooks the session's client to the watch. Passed to `openSession`, so it runs before the handshake. */
  readonly wire = (session: Session): void => {
    const { client } = session;
    const hooks = this.#hooks;
    client.onclose = () => this.#lose(session, new Error('the upstream closed the connection'));
    client.onerror = (error) => {
      // A legacy SSE session lives exactly as long as its stream: the event source would reopen it as a new,
      // uninitialised session, so a stream error is a lost connection without asking. A 404 on a Streamable
      // HTTP session says the upstream forgot the session: a ping would only get the same 404.
      if (error instanceof SseError || isSessionExpired(error)) this.#lose(session, error);
      else this.#probe(session, error);
    };
    const listChanged = (kind: ListChangeKind) => () => {
      if (hooks.isLive(session)) hooks.listChanged(kind);
    };
    client.setNotificationHandler(ToolListChangedNotificationSchema, listChanged('tools'));
    client.setNotificationHandler(ResourceListChangedNotificationSchema, listChanged('resources'));
    client.setNotificationHandler(PromptListChangedNotificationSchema, listChanged('prompts'));
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
      if (hooks.isLive(session)) hooks.resourceUpdated(notification.params.uri);
    });
    client.setNotificationHandler(TaskStatusNotificationSchema, (notification) => {
      const options = this.#options;
      if (hooks.isLive(session))
        runCallback(options, 'onTaskStatus', () => options.onTaskStatus?.(notification.params));
    });
    client.setNotificationHandler(ElicitationCompleteNotificationSchema, (notification) => {
      if (hooks.isLive(session)) hooks.elicitationComplete(notification.params.elicitationId);
    });
    // Only logs sent before the call relay is attached (during the handshake) get here: they belong to no call.
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      const { level, logger, data } = notification.params;
      hooks.upstreamLog({ level, data, ...(logger ? { logger } : {}), related: false });
    });
  };

  /** A request on `session` failed: decide whether that says anything about the connection. */
  afterRequestFailure(session: Session, error: unknown, signal: AbortSignal | undefined): void {
    if (isSessionExpired(error)) this.#lose(session, error);
    else if (!isHarmlessRequestError(error, signal)) this.#probe(session, error);
  }

  /**
   * Something failed on the session's transport (a stream broke, a request failed). Decide whether the
   * connection is gone by pinging: one ping in flight at a time; a failed ping means lost.
   */
  #probe(session: Session, error: unknown): void {
    if (!this.#hooks.isLive(session)) return;
    const { id, logger, connectTimeoutMs } = this.#options;
    logger?.debug?.(
      { connectorId: id, err: describeError(error) },
      'transport error; checking the connection',
    );
    if (this.#probing) return;
    this.#probing = true;
    session.client
      .ping({ timeout: connectTimeoutMs })
      .then(
        () => {},
        (pingError: unknown) => this.#lose(session, pingError),
      )
      .finally(() => {
        this.#probing = false;
      });
  }

  #lose(session: Session, cause: unknown): void {
    if (this.#hooks.isLive(session)) this.#hooks.lost(session, cause);
  }
}
