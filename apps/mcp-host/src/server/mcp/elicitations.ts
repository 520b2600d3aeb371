import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { HostServerLogger } from '../types.js';

/** Default bound of {@link ElicitationBook}: URL-mode elicitations remembered at once, oldest forgotten first. */
export const DEFAULT_ELICITATIONS_HELD = 1_000;

/**
 * Which client session each URL-mode elicitation belongs to, so the upstream's
 * `notifications/elicitation/complete` (sent on no request's stream, named only by its `elicitationId`) reaches
 * that session and no other. Ids are the upstreams' own, so they are kept per connector. Bounded: past `limit`
 * the oldest is forgotten (its completion then goes nowhere, which a client tolerates: the notification is
 * optional). A session's entries go when it closes.
 */
export class ElicitationBook {
  readonly #owners = new Map<string, Server>();
  readonly #limit: number;
  readonly #logger: HostServerLogger;

  constructor(logger: HostServerLogger, limit = DEFAULT_ELICITATIONS_HELD) {
    this.#logger = logger;
    this.#limit = limit;
  }

  /** Elicitations remembered now. */
  get size(): number {
    return this.#owners.size;
  }

  /** `session` started URL-mode elicitation `elicitationId` of `connectorId`. */
  note(connectorId: string, elicitationId: string, session: Server): void {
    const key = keyOf(connectorId, elicitationId);
    this.#owners.delete(key);
    this.#owners.set(key, session);
    if (this.#owners.size > this.#limit) {
      const oldest = this.#owners.keys().next().value as string;
      this.#owners.delete(oldest);
    }
  }

  /** The upstream says the elicitation finished: tells its session, once, and forgets it. */
  completed(connectorId: string, elicitationId: string): void {
    const key = keyOf(connectorId, elicitationId);
    const session = this.#owners.get(key);
    if (!session) {
      this.#logger.debug?.({ connectorId }, 'an elicitation completed that no session is waiting for');
      return;
    }
    this.#owners.delete(key);
    session
      .notification({ method: 'notifications/elicitation/complete', params: { elicitationId } })
      .catch((error: unknown) => {
        this.#logger.debug?.({ err: error }, 'could not tell a session that its elicitation completed');
      });
  }

  /** `session` closed: its elicitations can no longer complete for anyone. */
  forget(session: Server): void {
    for (const [key, owner] of this.#owners) if (owner === session) this.#owners.delete(key);
  }
}

function keyOf(connectorId: string, elicitationId: string): string {
  return `${connectorId}\u0000${elicitationId}`;
}
