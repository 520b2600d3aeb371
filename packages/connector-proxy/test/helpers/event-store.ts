import type { EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

interface StoredEvent {
  id: string;
  streamId: string;
  message: JSONRPCMessage;
}

/**
 * The smallest `EventStore` that makes the SDK's Streamable HTTP server resumable: events kept in arrival order
 * (the SDK's example store sorts by a timestamped id, which can reorder events of one millisecond), replayed from
 * the one after `Last-Event-ID` on that event's stream.
 */
export class OrderedEventStore implements EventStore {
  readonly #events: StoredEvent[] = [];

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    const id = `${streamId}:${this.#events.length}`;
    this.#events.push({ id, streamId, message });
    return id;
  }

  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    return this.#events.find((event) => event.id === eventId)?.streamId;
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string> {
    const at = this.#events.findIndex((event) => event.id === lastEventId);
    const streamId = this.#events[at]?.streamId;
    if (streamId === undefined) throw new Error(`unknown event id ${lastEventId}`);
    for (const event of this.#events.slice(at + 1)) {
      if (event.streamId === streamId) await send(event.id, event.message);
    }
    return streamId;
  }
}
