import { Redis } from 'ioredis';
import type { HealthTracker } from './health.js';

/** The settings that keep Redis out of the serving path's way. */
export interface ConnectionSettings {
  readonly url: string;
  readonly commandTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly maxReconnectDelayMs: number;
  readonly notifications: boolean;
  readonly channel: string;
  /** This host's presence channel: subscribed beside `channel`, never published to. */
  readonly presenceChannel: string;
  readonly random: () => number;
}

/**
 * The two connections of a store: `command` for everything, `subscriber` (only with notifications) for the
 * fleet's channel and this host's presence channel, since a subscribed Redis connection can run nothing else.
 *
 * The command connection never queues: with the offline queue off, a command issued while Redis is unreachable
 * fails at once, and `commandTimeout` bounds one that was sent but not answered. Reconnection runs forever in the
 * background with a capped, jittered back-off, so the store rejoins when Redis is back.
 */
export class RedisConnections {
  readonly command: Redis;
  readonly subscriber: Redis | undefined;
  readonly #connectTimeoutMs: number;
  #closing = false;
  #onSubscribed: (() => void) | undefined;

  /**
   * @param onReady - the command connection is (again) ready, or the subscriber (again) subscribed: resynchronise
   *   (notifications published while it was not subscribed are lost)
   * @param onMessage - a message arrived on the fleet's channel
   */
  constructor(
    settings: ConnectionSettings,
    health: HealthTracker,
    onReady: () => void,
    onMessage: (message: string) => void,
  ) {
    this.#connectTimeoutMs = settings.connectTimeoutMs;
    const retryStrategy = (attempt: number): number =>
      Math.min(attempt * 100, settings.maxReconnectDelayMs) + Math.floor(settings.random() * 100);
    this.command = new Redis(settings.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      commandTimeout: settings.commandTimeoutMs,
      connectTimeout: settings.connectTimeoutMs,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      retryStrategy,
    });
    this.command.on('ready', () => {
      if (this.#closing) return;
      health.markUp();
      onReady();
    });
    this.command.on('error', (error: Error) => {
      if (!this.#closing) health.markDown(error);
    });
    this.command.on('close', () => {
      if (!this.#closing) health.markDown(new Error('the connection to Redis closed'), true);
    });

    if (!settings.notifications) return;
    // The subscriber may queue (nothing waits on it) and subscribes again on every (re)connection.
    const subscriber = this.command.duplicate({
      enableOfflineQueue: true,
      commandTimeout: undefined,
      maxRetriesPerRequest: null,
      autoResubscribe: false,
    });
    this.subscriber = subscriber;
    subscriber.on('ready', () => {
      if (this.#closing) return;
      subscriber.subscribe(settings.channel, settings.presenceChannel).then(
        () => {
          this.#onSubscribed?.();
          onReady();
        },
        () => {},
      );
    });
    subscriber.on('error', () => {
      // Health follows the command connection; this one's errors are the same outage.
    });
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === settings.channel && !this.#closing) onMessage(message);
    });
  }

  /**
   * Connects both connections; resolves once the command connection is ready (and, then, subscribed) or its first
   * attempt failed (the background reconnects go on either way). Never rejects.
   */
  async connect(): Promise<void> {
    const subscribed = this.#firstSubscription();
    await this.command.connect().catch(() => {});
    // Redis is up: wait (bounded) until notifications flow, so none sent right after connect() is missed.
    if (this.command.status === 'ready') await subscribed;
  }

  /** Starts the subscriber; resolves once subscribed, when its first attempt fails, or after connectTimeoutMs. */
  #firstSubscription(): Promise<void> {
    const subscriber = this.subscriber;
    if (subscriber === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#onSubscribed = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.#connectTimeoutMs);
      this.#onSubscribed = done;
      subscriber.connect().catch(done);
    });
  }

  /** Closes both connections: a polite QUIT bounded by `timeoutMs`, then a hard disconnect. */
  async close(timeoutMs: number): Promise<void> {
    this.#closing = true;
    await Promise.all([quit(this.command, timeoutMs), this.subscriber && quit(this.subscriber, timeoutMs)]);
  }
}

async function quit(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([client.quit().catch(() => {}), timeout]);
    clearTimeout(timer);
  }
  client.disconnect(false);
}
