/** Timer functions; injectable for tests. Handles are `unref()`ed when they support it. */
export interface ManagerTimers {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The global timers, `unref()`ed so a pending retry never keeps the process alive. */
export const globalTimers: ManagerTimers = {
  setTimeout: (callback, delayMs) => {
    const handle = setTimeout(callback, delayMs);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
