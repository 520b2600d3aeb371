// What every scenario gets: the mode, run count, a private temp dir, a lazily made certificate, a logger to
// stderr, and `check()` for correctness assertions (the only thing that fails a smoke run).
import { makeLoopbackCertificate } from '@cortex-mcp/test-servers/loopback-certificate';

/** A correctness failure: a result that differs from direct, a sync that misses tools… Never a timing. */
export class CorrectnessError extends Error {
  name = 'CorrectnessError';
}

/**
 * @typedef {object} BenchContext
 * @property {boolean} smoke tiny sizes, correctness only
 * @property {number} runs repetitions per figure
 * @property {string} tmpDir removed at the end of the run
 * @property {() => { key: string, cert: string, certPath: string }} certificate made once, on first use
 * @property {(message: string) => void} log progress lines (stderr)
 * @property {(condition: unknown, message: string) => void} check throws CorrectnessError when false
 */

/**
 * @param {{ smoke: boolean, runs: number, tmpDir: string, quiet?: boolean }} options
 * @returns {BenchContext}
 */
export function createContext(options) {
  /** @type {{ key: string, cert: string, certPath: string } | undefined} */
  let certificate;
  return {
    smoke: options.smoke,
    runs: options.runs,
    tmpDir: options.tmpDir,
    certificate: () => {
      certificate ??= makeLoopbackCertificate({ dir: options.tmpDir });
      return certificate;
    },
    log: (message) => {
      if (!options.quiet) process.stderr.write(`  ${message}\n`);
    },
    check: (condition, message) => {
      if (!condition) throw new CorrectnessError(message);
    },
  };
}

/**
 * Runs `body` `count` times in sequence and returns the values.
 * @template T
 * @param {number} count
 * @param {(index: number) => Promise<T>} body
 * @returns {Promise<T[]>}
 */
export async function repeat(count, body) {
  /** @type {T[]} */
  const values = [];
  for (let index = 0; index < count; index += 1) values.push(await body(index));
  return values;
}
