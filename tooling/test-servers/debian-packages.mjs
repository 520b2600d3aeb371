#!/usr/bin/env node
// Finding and installing the real servers the tests use (redis-server, Chromium) from Debian packages. Plain ESM so
// that both the TypeScript test helpers (src/) and `pnpm test` itself (before turbo starts the suites in parallel)
// can use it: installing once, up front, keeps parallel test files from racing for the dpkg lock.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Where Debian puts binaries, in case PATH is minimal (a CI shell). */
const EXTRA_DIRS = ['/usr/bin', '/usr/local/bin', '/usr/sbin'];
/** A browser and its libraries are a large download: allow ten minutes per apt-get step. */
const APT_TIMEOUT_MS = 600_000;
/** Another apt-get (a parallel test file) may hold the dpkg lock: wait for it instead of failing. */
const LOCK_WAIT_SECONDS = '600';

/** What the tests need: the binaries that satisfy each, and the Debian packages that provide them. */
export const TEST_SERVERS = {
  redis: { binaries: ['redis-server'], packages: ['redis-server'] },
  // Google Chrome (preinstalled on GitHub's Ubuntu runners, where `chromium` is a snap stub) drives the same way.
  chromium: {
    binaries: ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'],
    packages: ['chromium', 'fonts-liberation'],
  },
};

/** Whether `path` is an executable file. */
export function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first of `names` found executable on PATH or in the usual Debian directories. */
export function findExecutable(names) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Whether this process may install Debian packages (root with apt-get). */
export function canInstallPackages() {
  return process.getuid?.() === 0 && findExecutable(['apt-get']) !== undefined;
}

/**
 * `apt-get update` then `apt-get install` of `packages` (no recommends), waiting for a dpkg lock another install
 * holds. One line on stderr says what is being installed.
 *
 * @throws Error with apt-get's last output when a step fails.
 */
export async function installDebianPackages(packages) {
  process.stderr.write(`installing Debian packages for the tests: ${packages.join(' ')}...\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const lock = ['-o', `DPkg::Lock::Timeout=${LOCK_WAIT_SECONDS}`];
  const options = { env, timeout: APT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 };
  try {
    await execFileAsync('apt-get', [...lock, 'update', '-qq'], options);
    await execFileAsync(
      'apt-get',
      [...lock, 'install', '-y', '-qq', '--no-install-recommends', ...packages],
      options,
    );
  } catch (error) {
    const output = String(error?.stderr ?? '').trim();
    throw new Error(
      `apt-get install ${packages.join(' ')} failed: ${String(error?.message).split('\n')[0]}` +
        `${output ? `\n${output.slice(-2_000)}` : ''}`,
    );
  }
}

/**
 * The path of one of `server.binaries`, installing `server.packages` first when none is found and this process
 * may install. `manual` (how to install by hand) ends every error message.
 *
 * @throws Error naming what to install when it cannot find or install the binary.
 */
export async function ensureBinary(server, manual) {
  const found = findExecutable(server.binaries);
  if (found !== undefined) return found;
  const name = server.binaries[0];
  if (!canInstallPackages()) {
    throw new Error(
      `${name} is not on PATH and cannot be installed automatically (needs root and apt-get). ${manual}`,
    );
  }
  try {
    await installDebianPackages(server.packages);
  } catch (error) {
    throw new Error(`${error.message}\n${manual}`);
  }
  const installed = findExecutable(server.binaries);
  if (installed === undefined)
    throw new Error(`apt-get installed ${server.packages[0]} but ${name} is not on PATH. ${manual}`);
  return installed;
}

/**
 * `node tooling/test-servers/debian-packages.mjs`: installs, in one apt-get run, every test server that is missing.
 * Where it cannot install (not root, no apt-get) it says so and exits 0: the tests that need a server then fail
 * with what to install, and the others still run.
 */
async function main() {
  const missing = Object.values(TEST_SERVERS).filter(
    (server) => findExecutable(server.binaries) === undefined,
  );
  if (missing.length === 0) return;
  const packages = missing.flatMap((server) => server.packages);
  if (!canInstallPackages()) {
    process.stderr.write(
      `not installing ${packages.join(' ')} (needs root and apt-get); tests that need them will fail\n`,
    );
    return;
  }
  await installDebianPackages(packages);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  });
}
