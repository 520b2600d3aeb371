import { Agent, getGlobalDispatcher } from 'undici';
import type { ResolvedOptions } from './options.js';
import type { TransportContext } from './transports.js';

/**
 * What every transport of one proxy is built from: its URL or command, its static headers, the request pool and the
 * stream pool. Without a stream dispatcher from the caller, the proxy gets a stream `Agent` of its own (no body
 * timeout: streams are idle for long stretches by design), made on first use and destroyed by {@link release}.
 */
export class ProxyTransports {
  readonly #options: ResolvedOptions;
  readonly #headers: Record<string, string>;
  readonly #onStderr: (text: string) => void;
  #ownedStreamAgent: Agent | undefined;

  constructor(options: ResolvedOptions, headers: Record<string, string>, onStderr: (text: string) => void) {
    this.#options = options;
    this.#headers = headers;
    this.#onStderr = onStderr;
  }

  /** The context of one connection attempt. */
  context(): TransportContext {
    const options = this.#options;
    return {
      url: options.url,
      headers: this.#headers,
      requestDispatcher: options.dispatcher ?? getGlobalDispatcher(),
      streamDispatcher: options.streamDispatcher ?? this.#streamAgent(),
      command: options.command,
      args: options.args,
      env: options.env,
      cwd: options.cwd,
      onStderr: this.#onStderr,
    };
  }

  /** Destroys the stream `Agent` this proxy made for itself, if it made one; the next attempt makes a new one. */
  async release(): Promise<void> {
    const agent = this.#ownedStreamAgent;
    this.#ownedStreamAgent = undefined;
    await agent?.destroy();
  }

  #streamAgent(): Agent {
    this.#ownedStreamAgent ??= new Agent({ bodyTimeout: 0 });
    return this.#ownedStreamAgent;
  }
}
