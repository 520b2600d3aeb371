/**
 * Resolves when `predicate()` is true, checking after every `subscribe` event; rejects after `timeoutMs`
 * (a bound on a wait for an event, never a sleep that decides the result).
 */
export function waitUntil(predicate: () => boolean, timeoutMs = 10_000, label = 'condition'): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (predicate()) {
        clearInterval(interval);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(interval);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${label}`));
      }
    };
    const interval = setInterval(check, 10);
    check();
  });
}
