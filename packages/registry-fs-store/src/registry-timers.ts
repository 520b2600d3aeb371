/** Timer functions, injectable so tests decide when a tick happens. */
export interface RegistryTimers {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The global `setTimeout` / `clearTimeout`. */
export const globalTimers: RegistryTimers = {
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
