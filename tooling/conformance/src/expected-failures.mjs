// The scenarios allowed to fail through the host, each with its reason: expected-failures.json, one visible place.

import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXPECTED_FAILURES_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'expected-failures.json',
);

/**
 * Checks the parsed file: an object whose keys are scenario names and whose values are one-line reasons.
 * Returns it as a Map in file order; throws with what is wrong otherwise.
 */
export function parseExpectedFailures(value, source = 'expected-failures.json') {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${source} must be an object: { "<scenario>": "<one-line reason>", … }`);
  }
  const entries = Object.entries(value);
  for (const [scenario, reason] of entries) {
    if (typeof reason !== 'string' || reason.trim() === '' || reason.includes('\n')) {
      throw new Error(`${source}: the reason for "${scenario}" must be a non-empty one-line string.`);
    }
  }
  return new Map(entries);
}

/** Reads and checks the expected-failures file (see parseExpectedFailures). */
export async function loadExpectedFailures(path = EXPECTED_FAILURES_PATH) {
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read the expected failures at ${path}: ${error.message}`);
  }
  try {
    return parseExpectedFailures(JSON.parse(text), path);
  } catch (error) {
    throw new Error(
      error instanceof SyntaxError ? `${path} is not valid JSON: ${error.message}` : error.message,
    );
  }
}
