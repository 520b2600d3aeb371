import { Dispatcher } from 'undici';
import { originOf } from './origin-key.js';

/** Sends each request to the request pool when its origin speaks HTTP/2, else to the stream pool. */
export class StreamRouter extends Dispatcher {
  readonly #multiplexed: Dispatcher;
  readonly #dedicated: Dispatcher;
  readonly #isHttp2: (origin: string) => boolean;

  constructor(multiplexed: Dispatcher, dedicated: Dispatcher, isHttp2: (origin: string) => boolean) {
    super();
    this.#multiplexed = multiplexed;
    this.#dedicated = dedicated;
    this.#isHttp2 = isHttp2;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const origin = originOf(options);
    const target = origin !== undefined && this.#isHttp2(origin) ? this.#multiplexed : this.#dedicated;
    return target.dispatch(options, handler);
  }

  // The pools are closed by their owner, UpstreamPool.close().
  override async close(): Promise<void> {}

  override async destroy(): Promise<void> {}
}
