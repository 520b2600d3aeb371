import type { ToolCallContext } from '@cortex-mcp/tool-registry';
import type { HostServerLogger, UpstreamRouter } from '../types.js';

/** A resource as its connector names it. */
export interface UpstreamResource {
  readonly connectorId: string;
  readonly uri: string;
}

/** Whoever subscribes: a session, told of updates with the public URI it subscribed with. */
export interface Subscriber {
  sendResourceUpdated(params: { uri: string }): Promise<void>;
}

interface Subscription {
  readonly target: UpstreamResource;
  /** Each subscribed session and the URI it used (what its notifications carry). */
  readonly subscribers: Map<Subscriber, string>;
  /** Settles once the upstream subscription is in place (rejects when the upstream refused it). */
  ready: Promise<void>;
}

/**
 * Resource subscriptions of every session of one surface, reference-counted per upstream resource: the first
 * subscriber subscribes upstream, later ones share it, the last to leave (by unsubscribing or by closing its
 * session) ends it. `notifications/resources/updated` goes only to the sessions subscribed to that resource. A
 * subscribe that follows an unsubscribe of the same resource waits until the upstream has processed the unsubscribe,
 * so the upstream never ends up unsubscribed while a session still wants updates.
 */
export class SubscriptionBook {
  readonly #upstream: Pick<UpstreamRouter, 'subscribeResource' | 'unsubscribeResource'>;
  readonly #logger: HostServerLogger;
  readonly #subscriptions = new Map<string, Subscription>();
  /** Upstream unsubscribes in flight, by key. */
  readonly #ending = new Map<string, Promise<void>>();

  constructor(
    upstream: Pick<UpstreamRouter, 'subscribeResource' | 'unsubscribeResource'>,
    logger: HostServerLogger,
  ) {
    this.#upstream = upstream;
    this.#logger = logger;
  }

  /** Upstream subscriptions held now (one per resource, however many sessions share it). */
  get size(): number {
    return this.#subscriptions.size;
  }

  /**
   * Subscribes `subscriber` to `target`, telling it of updates as `publicUri`. Subscribing twice is one
   * subscription. Rejects with the upstream's failure (the subscriber is then not subscribed).
   */
  async subscribe(
    subscriber: Subscriber,
    target: UpstreamResource,
    publicUri: string,
    context: ToolCallContext,
  ): Promise<void> {
    const key = keyOf(target);
    let subscription = this.#subscriptions.get(key);
    if (!subscription) {
      const created: Subscription = { target, subscribers: new Map(), ready: Promise.resolve() };
      created.ready = this.#subscribeUpstream(key, created, context);
      this.#subscriptions.set(key, created);
      subscription = created;
    }
    subscription.subscribers.set(subscriber, publicUri);
    try {
      await subscription.ready;
    } catch (error) {
      subscription.subscribers.delete(subscriber);
      throw error;
    }
  }

  /** Ends `subscriber`'s subscription to `target` (nothing happens when it had none). */
  unsubscribe(subscriber: Subscriber, target: UpstreamResource): void {
    const key = keyOf(target);
    const subscription = this.#subscriptions.get(key);
    if (subscription?.subscribers.delete(subscriber)) this.#releaseIfUnused(key, subscription);
  }

  /** A session closed: every subscription it held ends (upstream too, where it was the last subscriber). */
  forget(subscriber: Subscriber): void {
    for (const [key, subscription] of [...this.#subscriptions]) {
      if (subscription.subscribers.delete(subscriber)) this.#releaseIfUnused(key, subscription);
    }
  }

  /** Tells the sessions subscribed to `target` that it changed; the others hear nothing. */
  updated(target: UpstreamResource): void {
    const subscription = this.#subscriptions.get(keyOf(target));
    if (!subscription) return;
    for (const [subscriber, uri] of subscription.subscribers) {
      subscriber.sendResourceUpdated({ uri }).catch((error: unknown) => {
        this.#logger.debug?.({ err: error }, 'could not send resources/updated to a session');
      });
    }
  }

  async #subscribeUpstream(key: string, subscription: Subscription, context: ToolCallContext): Promise<void> {
    await this.#ending.get(key);
    try {
      await this.#upstream.subscribeResource(
        subscription.target.connectorId,
        subscription.target.uri,
        context,
      );
    } catch (error) {
      if (this.#subscriptions.get(key) === subscription) this.#subscriptions.delete(key);
      throw error;
    }
  }

  #releaseIfUnused(key: string, subscription: Subscription): void {
    if (subscription.subscribers.size > 0 || this.#subscriptions.get(key) !== subscription) return;
    this.#subscriptions.delete(key);
    const { connectorId, uri } = subscription.target;
    const ending = subscription.ready
      .then(
        () => this.#upstream.unsubscribeResource(connectorId, uri),
        () => undefined, // never subscribed upstream: nothing to end
      )
      .catch((error: unknown) => {
        this.#logger.warn({ connectorId, err: error }, 'could not end an upstream resource subscription');
      })
      .finally(() => {
        if (this.#ending.get(key) === ending) this.#ending.delete(key);
      });
    this.#ending.set(key, ending);
  }
}

function keyOf(target: UpstreamResource): string {
  return `${target.connectorId}\u0000${target.uri}`;
}
