import { describe, expect, it } from 'vitest';
import { SubscriptionBook } from '../../../src/server/mcp/index.js';

/** Counts what reaches the upstream side, as the connector manager's router would see it. */
function recordingUpstream(options: { refuse?: Set<string> } = {}) {
  const calls: string[] = [];
  return {
    calls,
    router: {
      async subscribeResource(connectorId: string, uri: string) {
        calls.push(`subscribe ${connectorId} ${uri}`);
        if (options.refuse?.has(uri)) throw new Error('upstream refused');
      },
      async unsubscribeResource(connectorId: string, uri: string) {
        calls.push(`unsubscribe ${connectorId} ${uri}`);
      },
    },
  };
}

function session() {
  const received: string[] = [];
  return {
    received,
    sendResourceUpdated: async (params: { uri: string }) => {
      received.push(params.uri);
    },
  };
}

const silent = { warn: () => {} };
const file = { connectorId: 'notes', uri: 'file:///a.txt' };

describe('resource subscriptions are shared per upstream resource', () => {
  it('subscribes upstream once however many sessions ask, and ends it when the last one leaves', async () => {
    const upstream = recordingUpstream();
    const book = new SubscriptionBook(upstream.router, silent);
    const [first, second] = [session(), session()];
    await book.subscribe(first, file, 'notes+file:///a.txt', {});
    await book.subscribe(second, file, 'notes+file:///a.txt', {});
    await book.subscribe(second, file, 'notes+file:///a.txt', {});
    expect(upstream.calls).toEqual(['subscribe notes file:///a.txt']);
    expect(book.size).toBe(1);

    book.unsubscribe(first, file);
    await Promise.resolve();
    expect(upstream.calls).toHaveLength(1);
    book.forget(second);
    await new Promise((resolve) => setImmediate(resolve));
    expect(upstream.calls).toEqual(['subscribe notes file:///a.txt', 'unsubscribe notes file:///a.txt']);
    expect(book.size).toBe(0);
  });

  it('tells only the subscribed sessions of an update, with the URI each subscribed with', async () => {
    const book = new SubscriptionBook(recordingUpstream().router, silent);
    const [subscribed, bystander] = [session(), session()];
    await book.subscribe(subscribed, file, 'notes+file:///a.txt', {});
    book.updated(file);
    book.updated({ connectorId: 'other', uri: 'file:///a.txt' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(subscribed.received).toEqual(['notes+file:///a.txt']);
    expect(bystander.received).toEqual([]);
  });

  it('a refused upstream subscribe rejects and leaves nothing subscribed', async () => {
    const upstream = recordingUpstream({ refuse: new Set(['file:///no']) });
    const book = new SubscriptionBook(upstream.router, silent);
    const one = session();
    await expect(book.subscribe(one, { connectorId: 'notes', uri: 'file:///no' }, 'x', {})).rejects.toThrow(
      'upstream refused',
    );
    expect(book.size).toBe(0);
    book.forget(one);
    await new Promise((resolve) => setImmediate(resolve));
    expect(upstream.calls).toEqual(['subscribe notes file:///no']);
  });

  it('a subscribe right after the last unsubscribe reaches the upstream after that unsubscribe', async () => {
    const upstream = recordingUpstream();
    const book = new SubscriptionBook(upstream.router, silent);
    const one = session();
    await book.subscribe(one, file, 'u', {});
    book.unsubscribe(one, file);
    await book.subscribe(one, file, 'u', {});
    expect(upstream.calls).toEqual([
      'subscribe notes file:///a.txt',
      'unsubscribe notes file:///a.txt',
      'subscribe notes file:///a.txt',
    ]);
    expect(book.size).toBe(1);
  });
});
