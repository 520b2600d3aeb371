import type { RemoteToolProxy } from '@cortex-mcp/connector-proxy';
import { describeFailure } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * Upstream resource subscriptions a replaced connector (its connection changed) hands to its successor: the new proxy
 * subscribes to them again once it is connected, so the sessions subscribed through the host keep getting updates.
 */
export class CarriedSubscriptions {
  #uris: readonly string[] = [];

  /** Remembers `uris` until the next {@link takeUp}. */
  carry(uris: readonly string[]): void {
    this.#uris = uris;
  }

  /** Subscribes `proxy` to the carried URIs (once); a refusal is logged, the others go on. */
  takeUp(proxy: RemoteToolProxy, connectorId: string, logger: Logger): void {
    const uris = this.#uris;
    this.#uris = [];
    for (const uri of uris) {
      proxy.subscribeResource(uri).catch((error: unknown) => {
        logger.warn(
          { connectorId, err: describeFailure(error) },
          'could not take up a resource subscription after the connector changed; its subscribers get no updates',
        );
      });
    }
  }
}
