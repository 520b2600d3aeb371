import { randomBytes } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { type ServiceMapConnector, signServiceMap } from '@cortex-mcp/service-map-loader';
import { closeNow, listenOnLoopback } from './loopback-http.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** One request the map server answered (or held), in arrival order. */
export interface MapFetch {
  /** Arrival time (epoch ms, this process's clock — the hosts run on the same machine and clock). */
  readonly atMs: number;
  /** `floor(atMs / intervalMs)`: the refresh interval the request fell in. */
  readonly slot: number;
  /** The id of the map signed for this request. */
  readonly id: string;
  readonly generatedAtMs: number;
}

/** A request the server holds open (its host is mid-fetch) until the test releases it. */
export interface HeldFetch {
  /** Resolves when the held request has arrived. */
  readonly arrived: Promise<MapFetch>;
  /**
   * Answers the held request: with its validly signed map, or with a tampered one (a newer `generatedAt` and no
   * connectors, the signature left as it was) that no host may ever adopt.
   */
  release(body: 'good' | 'tampered'): void;
}

/** How long the maps it signs live: one refresh interval, or five minutes (a map that stays fresh in a test). */
export type MapLifetime = 'interval' | 'long';

function newId(): string {
  return [...randomBytes(26)].map((byte) => CROCKFORD[byte % 32]).join('');
}

/**
 * A counting service-map endpoint on 127.0.0.1 for fleet tests. Time is cut into slots of `intervalMs`; every
 * request is answered with a freshly signed map (a new id) that expires at the END of the current slot, so a map is
 * fresh for the rest of its interval and "one fetch per interval" means "at most one request per slot": a second
 * request in a slot comes from a host that did not take the map another host fetched.
 */
export class FleetMapServer {
  /** Every request, in arrival order. */
  readonly fetches: MapFetch[] = [];
  /** Ids of the maps signed with the real key (the only ones a host may serve). */
  readonly goodIds = new Set<string>();
  /** Ids of tampered maps sent out (never to be served). */
  readonly tamperedIds = new Set<string>();
  lifetime: MapLifetime = 'interval';
  readonly #key: string;
  readonly #intervalMs: number;
  readonly #connectors: readonly ServiceMapConnector[];
  #server: Server | undefined;
  #lastGeneratedAtMs = 0;
  #hold: ((response: ServerResponse, fetch: MapFetch, text: string) => void) | undefined;
  readonly #open = new Set<ServerResponse>();

  constructor(options: {
    signatureKey: string;
    intervalMs: number;
    connectors: readonly ServiceMapConnector[];
  }) {
    this.#key = options.signatureKey;
    this.#intervalMs = options.intervalMs;
    this.#connectors = options.connectors;
  }

  /** The slot (refresh interval) `atMs` falls in. */
  slotOf(atMs: number): number {
    return Math.floor(atMs / this.#intervalMs);
  }

  /** How many requests arrived in each slot from `first` to `last` (inclusive). */
  countsPerSlot(first: number, last: number): number[] {
    const counts = Array.from({ length: last - first + 1 }, () => 0);
    for (const fetch of this.fetches) {
      const index = fetch.slot - first;
      if (index >= 0 && index < counts.length) counts[index] = (counts[index] ?? 0) + 1;
    }
    return counts;
  }

  /** Holds the next request open until `release()` (one request only; later ones are answered at once). */
  holdNext(): HeldFetch {
    let held: { response: ServerResponse; fetch: MapFetch; text: string } | undefined;
    const arrived = new Promise<MapFetch>((resolve) => {
      this.#hold = (response, fetch, text) => {
        this.#hold = undefined;
        held = { response, fetch, text };
        resolve(fetch);
      };
    });
    return {
      arrived,
      release: (body) => {
        this.#hold = undefined;
        if (!held || held.response.destroyed) return;
        const text = body === 'good' ? held.text : this.#tampered(held.text);
        held.response.writeHead(200, { 'content-type': 'application/json' }).end(text);
      },
    };
  }

  /** Listens on an ephemeral loopback port; resolves with the map URL. */
  async listen(): Promise<string> {
    const server = createServer((_request, response) => {
      this.#open.add(response);
      response.on('close', () => this.#open.delete(response));
      const { fetch, text } = this.#sign();
      this.fetches.push(fetch);
      if (this.#hold) {
        this.#hold(response, fetch, text);
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(text);
    });
    const url = await listenOnLoopback(server, '/service-map.json');
    this.#server = server;
    return url;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    await closeNow(server, this.#open);
  }

  #sign(): { fetch: MapFetch; text: string } {
    const atMs = Date.now();
    const slot = this.slotOf(atMs);
    // ttlSeconds is a whole number of seconds: place generatedAt so that generatedAt + 1 s is the end of the slot.
    // Never older than a map already signed (a host would reject it as a replay).
    const interval = { generatedAtMs: (slot + 1) * this.#intervalMs - 1000, ttlSeconds: 1 };
    const long = { generatedAtMs: atMs, ttlSeconds: 300 };
    const chosen = this.lifetime === 'interval' ? interval : long;
    const generatedAtMs = Math.max(chosen.generatedAtMs, this.#lastGeneratedAtMs);
    this.#lastGeneratedAtMs = generatedAtMs;
    const id = newId();
    const payload = {
      id,
      brand: 'brAInwav',
      generatedAt: new Date(generatedAtMs).toISOString(),
      ttlSeconds: chosen.ttlSeconds,
      connectors: [...this.#connectors],
    };
    this.goodIds.add(id);
    return {
      fetch: { atMs, slot, id, generatedAtMs },
      text: JSON.stringify(signServiceMap(payload, this.#key)),
    };
  }

  /** The same signed map with a new id, a newer generatedAt and no connectors: the signature no longer matches. */
  #tampered(text: string): string {
    const map = JSON.parse(text) as { id: string; generatedAt: string; connectors: unknown[] };
    const id = newId();
    this.tamperedIds.add(id);
    const generatedAt = new Date(Date.parse(map.generatedAt) + 60_000).toISOString();
    return JSON.stringify({ ...map, id, generatedAt, connectors: [] });
  }
}
