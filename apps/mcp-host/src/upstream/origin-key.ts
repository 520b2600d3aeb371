import type { Dispatcher } from 'undici';

/** The origin (`https://host:port`) of a URL, as the pool keys origins. */
export function originKey(origin: URL | string): string {
  return new URL(String(origin)).origin;
}

/** The origin a request goes to, when it names one. */
export function originOf(options: Dispatcher.DispatchOptions): string | undefined {
  return options.origin === undefined ? undefined : originKey(options.origin);
}
