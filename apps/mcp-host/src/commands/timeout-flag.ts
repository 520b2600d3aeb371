import { HostConfigError } from '../settings/index.js';
import type { OwnFlag } from './command-line.js';

/** Longest `--timeout-ms` accepted: ten minutes. */
export const MAX_TIMEOUT_FLAG_MS = 600_000;

/** The `--timeout-ms <ms>` flag of commands that wait on the network (doctor, status). */
export const TIMEOUT_FLAG = {
  type: 'string',
  expects: `a number of milliseconds from 1 to ${MAX_TIMEOUT_FLAG_MS}`,
} as const satisfies OwnFlag;

/**
 * The value of `--timeout-ms`, or `defaultMs` when it is absent.
 *
 * @throws HostConfigError `invalid_value` for anything but an integer from 1 to {@link MAX_TIMEOUT_FLAG_MS}.
 */
export function parseTimeoutFlag(text: string | undefined, defaultMs: number): number {
  if (text === undefined) return defaultMs;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT_FLAG_MS) {
    throw new HostConfigError(
      'invalid_value',
      `Invalid --timeout-ms ${JSON.stringify(text)}: expected an integer from 1 to ${MAX_TIMEOUT_FLAG_MS} (milliseconds).`,
    );
  }
  return value;
}
