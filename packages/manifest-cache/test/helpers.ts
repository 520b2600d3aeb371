import type { ManifestLoader, ManifestLoadResult } from '../src/index.js';

/** A clock the test moves by hand. */
export function fakeClock(startMs = 1_700_000_000_000) {
  let nowMs = startMs;
  return {
    now: (): number => nowMs,
    advance(ms: number): void {
      nowMs += ms;
    },
  };
}

/** Lets every queued microtask run (one macrotask turn); no wall-clock time is waited for. */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export type Observed<T> =
  | { status: 'pending' }
  | { status: 'fulfilled'; value: T }
  | { status: 'rejected'; reason: unknown };

/** Where a promise stands once every queued microtask has run. Marks it handled. */
export async function observe<T>(promise: Promise<T>): Promise<Observed<T>> {
  let observed: Observed<T> = { status: 'pending' };
  promise.then(
    (value) => {
      observed = { status: 'fulfilled', value };
    },
    (reason: unknown) => {
      observed = { status: 'rejected', reason };
    },
  );
  await flushMicrotasks();
  return observed;
}

/** A loader whose every call waits until the test resolves or rejects it, counting calls. */
export function controlledLoader<T>() {
  const waiting: Array<{ resolve(result: ManifestLoadResult<T>): void; reject(error: unknown): void }> = [];
  let calls = 0;
  const loader: ManifestLoader<T> = () => {
    calls += 1;
    return new Promise<ManifestLoadResult<T>>((resolve, reject) => {
      waiting.push({ resolve, reject });
    });
  };
  const next = async () => {
    await flushMicrotasks();
    const call = waiting.shift();
    if (call === undefined) throw new Error('the loader has not been called');
    return call;
  };
  return {
    loader,
    get calls(): number {
      return calls;
    },
    async resolve(result: ManifestLoadResult<T>): Promise<void> {
      (await next()).resolve(result);
      await flushMicrotasks();
    },
    async reject(error: unknown): Promise<void> {
      (await next()).reject(error);
      await flushMicrotasks();
    },
  };
}
