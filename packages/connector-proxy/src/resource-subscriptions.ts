import { ConnectorProxyError } from './errors.js';

/**
 * The resource URIs a proxy has subscribed to upstream. A URI is added only when its `resources/subscribe`
 * succeeded, and only if nothing forgot it meanwhile (an unsubscribe, a disconnect), so a late answer never
 * brings back a subscription the caller already gave up.
 */
export class ResourceSubscriptions {
  readonly #uris = new Set<string>();
  /** The token of the latest subscribe in flight per URI; forgetting a URI deletes its token. */
  readonly #pending = new Map<string, symbol>();

  /** A snapshot of the subscribed URIs. */
  get uris(): ReadonlySet<string> {
    return new Set(this.#uris);
  }

  /** Runs `send` (the upstream `resources/subscribe`) and, when it succeeds and nothing intervened, keeps `uri`. */
  async subscribe(uri: string, send: () => Promise<unknown>): Promise<void> {
    const token = Symbol(uri);
    this.#pending.set(uri, token);
    try {
      await send();
      if (this.#pending.get(uri) === token) this.#uris.add(uri);
    } finally {
      if (this.#pending.get(uri) === token) this.#pending.delete(uri);
    }
  }

  /** Forgets `uri` (and any subscribe of it still in flight). */
  forget(uri: string): void {
    this.#uris.delete(uri);
    this.#pending.delete(uri);
  }

  /** Forgets every URI. */
  clear(): void {
    this.#uris.clear();
    this.#pending.clear();
  }

  /**
   * After a reconnect, subscribes every URI again on the new session, all at once. A URI the upstream refuses
   * (any failure but `unavailable`) is dropped; one that fails because the connection is lost again stays, for the
   * next reconnect. `failed` hears of each failure and whether the URI was kept.
   */
  async resubscribeAll(
    send: (uri: string) => Promise<unknown>,
    failed: (uri: string, error: unknown, kept: boolean) => void,
  ): Promise<void> {
    await Promise.all(
      [...this.#uris].map(async (uri) => {
        try {
          await send(uri);
        } catch (error) {
          const kept = error instanceof ConnectorProxyError && error.code === 'unavailable';
          if (!kept) this.#uris.delete(uri);
          failed(uri, error, kept);
        }
      }),
    );
  }
}
