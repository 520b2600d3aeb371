import { expect } from 'vitest';
import { ServiceMapError } from '../../src/index.js';

/** Resolves to the ServiceMapError `promise` rejects with; fails the test if it resolves or rejects with anything else. */
export async function serviceMapError(promise: Promise<unknown>): Promise<ServiceMapError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  expect(outcome).toHaveProperty('error');
  const { error } = outcome as { error: unknown };
  expect(error).toBeInstanceOf(ServiceMapError);
  return error as ServiceMapError;
}

/** The ServiceMapError `run` throws synchronously. */
export function thrownServiceMapError(run: () => unknown): ServiceMapError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceMapError);
    return error as ServiceMapError;
  }
  throw new Error('expected a ServiceMapError, but nothing was thrown');
}
