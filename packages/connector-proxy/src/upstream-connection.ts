import { buildRequestHeaders } from './auth-headers.js';
import { ReconnectSchedule } from './backoff.js';
import { CallRelay } from './call-relay.js';
import { ConnectorUnavailableError, describeError } from './errors.js';
import type { RemoteToolProxyOptions, ResolvedOptions, UpstreamLogEntry } from './options.js';
import { proxyLog, runCallback } from './proxy-log.js';
import { ProxyTransports } from './proxy-transports.js';
import { closeSession, openSession, type Session } from './session.js';
import { type ListChangeKind, SessionWatch } from './session-watch.js';

/**
 * Where a proxy is in its life: `idle` (never connected, or disconnected), `connecting` (first handshake),
 * `up` (calls go through), `down` (connection lost, reconnecting with backoff).
 */
export type ProxyState = 'idle' | 'connecting' | 'up' | 'down';

/** What an {@link UpstreamConnection} tells its owner. Called synchronously; the owner guards user callbacks. */
export interface ConnectionEvents {
  /** Availability flipped. */
  availability(available: boolean): void;
  /** A session is live; `reconnected` when it replaces one that was lost. */
  up(reconnected: boolean): void;
  /** The live session sent `notifications/<kind>/list_changed`. */
  listChanged(kind: ListChangeKind): void;
  /** The live session sent `notifications/resources/updated`. */
  resourceUpdated(uri: string): void;
  /** A session sent `notifications/message`. */
  upstreamLog(entry: Omit<UpstreamLogEntry, 'connectorId'>): void;
  /** The live session sent `notifications/elicitation/complete`. */
  elicitationComplete(elicitationId: string): void;
}

/**
 * The connection to one upstream: connects, notices when it is lost, and reconnects with capped, fully jittered
 * exponential backoff. Knows nothing of what is sent over it.
 */
export class UpstreamConnection {
  /** The connector id. */
  readonly id: string;
  readonly #options: ResolvedOptions;
  readonly #events: ConnectionEvents;
  #state: ProxyState = 'idle';
  #session: Session | undefined;
  #available = false;
  #lostCause: unknown;
  #epoch = 0;
  readonly #reconnects: ReconnectSchedule;
  #connecting: Promise<void> | undefined;
  #attemptController: AbortController | undefined;
  readonly #transports: ProxyTransports;
  readonly #watch: SessionWatch;
  /** Relates what the upstream sends to the forwarded request it belongs to. */
  readonly relay: CallRelay;

  /** `given` are the options as the caller passed them (for the auth headers), `options` after defaults. */
  constructor(options: ResolvedOptions, given: RemoteToolProxyOptions, events: ConnectionEvents) {
    this.id = options.id;
    this.#options = options;
    this.#events = events;
    this.#transports = new ProxyTransports(
      options,
      buildRequestHeaders(options.id, given.auth, given.headers),
      (text) => proxyLog(options, 'debug', { stderr: text.trimEnd().slice(0, 4000) }, 'upstream stderr'),
    );
    this.#reconnects = new ReconnectSchedule(options.reconnect, options.random, options.timers);
    this.#watch = new SessionWatch(options, {
      isLive: (session) => session === this.#session && this.#state === 'up',
      lost: (session, cause) => this.#onSessionLost(session, cause),
      listChanged: (kind) => events.listChanged(kind),
      resourceUpdated: (uri) => events.resourceUpdated(uri),
      upstreamLog: (entry) => events.upstreamLog(entry),
      elicitationComplete: (elicitationId) => events.elicitationComplete(elicitationId),
    });
    this.relay = new CallRelay(
      {
        connectorId: options.id,
        onRootsList: options.onRootsList,
        warn: (fields, message) => proxyLog(options, 'warn', fields, message),
        guard: (name, run) => runCallback(options, name, run),
      },
      (entry) => events.upstreamLog(entry),
    );
  }

  /** Current state. */
  get state(): ProxyState {
    return this.#state;
  }

  /** True while calls go through. */
  get available(): boolean {
    return this.#available;
  }

  /** The live session, or undefined while not up. */
  get session(): Session | undefined {
    return this.#session;
  }

  /** See `RemoteToolProxy.connect`. */
  connect(): Promise<void> {
    if (this.#state === 'up') return Promise.resolve();
    if (this.#connecting) return this.#connecting;
    this.#reconnects.cancel();
    if (this.#state === 'idle') this.#state = 'connecting';
    const attempt = this.#runAttempt().finally(() => {
      if (this.#connecting === attempt) this.#connecting = undefined;
    });
    this.#connecting = attempt;
    return attempt;
  }

  /** See `RemoteToolProxy.disconnect`. */
  async disconnect(): Promise<void> {
    this.#epoch++;
    this.#reconnects.cancel();
    this.#attemptController?.abort(
      new ConnectorUnavailableError(this.#options.id, 'disconnect() was called while connecting'),
    );
    const pending = this.#connecting;
    const session = this.#session;
    this.#session = undefined;
    this.#state = 'idle';
    this.#lostCause = undefined;
    this.#reconnects.reset();
    await pending?.catch(() => {});
    if (session) await closeSession(session, true, this.#options, this.#options.connectTimeoutMs);
    await this.#transports.release();
    this.#setAvailable(false);
  }

  /**
   * The live session.
   *
   * @throws {ConnectorUnavailableError} at once when not up, saying why.
   */
  requireSession(): Session {
    const session = this.#session;
    const id = this.#options.id;
    if (session && this.#state === 'up') return session;
    if (this.#state === 'down') {
      throw new ConnectorUnavailableError(
        id,
        `connection lost: ${describeError(this.#lostCause)}; reconnecting`,
        {
          cause: this.#lostCause,
        },
      );
    }
    if (this.#state === 'connecting') throw new ConnectorUnavailableError(id, 'still connecting');
    throw new ConnectorUnavailableError(id, 'not connected; call connect() first');
  }

  /** A request on `session` failed: checks whether the connection is gone. */
  afterRequestFailure(session: Session, error: unknown, signal: AbortSignal | undefined): void {
    this.#watch.afterRequestFailure(session, error, signal);
  }

  async #runAttempt(): Promise<void> {
    const epoch = this.#epoch;
    const reconnecting = this.#state === 'down';
    const controller = new AbortController();
    this.#attemptController = controller;
    let session: Session;
    try {
      session = await openSession(
        this.#options,
        this.#transports.context(),
        (opened) => {
          this.#watch.wire(opened);
          this.relay.wire(opened);
        },
        controller.signal,
      );
    } catch (error) {
      if (epoch === this.#epoch) {
        if (this.#state === 'down') {
          proxyLog(this.#options, 'info', { err: describeError(error) }, 'reconnect attempt failed');
          this.#scheduleReconnect();
        } else this.#state = 'idle';
      }
      throw error;
    }
    if (epoch !== this.#epoch) {
      await closeSession(session, true, this.#options, this.#options.connectTimeoutMs);
      throw new ConnectorUnavailableError(this.#options.id, 'disconnect() was called while connecting');
    }
    this.relay.attach(session);
    this.#session = session;
    this.#state = 'up';
    this.#reconnects.reset();
    this.#lostCause = undefined;
    proxyLog(
      this.#options,
      'info',
      { transport: session.kind, reconnected: reconnecting },
      'connector connected',
    );
    this.#setAvailable(true);
    this.#events.up(reconnecting);
  }

  #onSessionLost(session: Session, cause: unknown): void {
    this.#session = undefined;
    this.#state = 'down';
    this.#lostCause = cause;
    proxyLog(this.#options, 'warn', { err: describeError(cause) }, 'connector connection lost; reconnecting');
    void closeSession(session, false, this.#options, this.#options.connectTimeoutMs);
    this.#setAvailable(false);
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#state === 'down') this.#reconnects.schedule(() => void this.connect().catch(() => {}));
  }

  #setAvailable(available: boolean): void {
    if (this.#available === available) return;
    this.#available = available;
    this.#events.availability(available);
  }
}
