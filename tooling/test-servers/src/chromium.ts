// A real headless browser for the tests: Debian's `chromium` package, driven by playwright-core (which downloads
// no browser of its own). Installed with apt-get when missing and the tests run as root (CI does), like
// ensureRedisServer(); `pnpm test` installs it up front (debian-packages.mjs).
import { ensureBinary, isExecutable, TEST_SERVERS } from '../debian-packages.mjs';

/** Names a browser binary explicitly (e.g. on macOS), skipping the search and the install. */
const PATH_VARIABLE = 'CHROMIUM_PATH';
const MANUAL =
  'Install it by hand (Debian: `apt-get install -y chromium`; elsewhere install Chromium or Chrome and set ' +
  `${PATH_VARIABLE} to its binary) and run the tests again.`;

let installing: Promise<string> | undefined;

/**
 * The path of a Chromium binary for `chromium.launch({ executablePath })`: `$CHROMIUM_PATH` when set, else
 * `chromium` (or `chromium-browser`, or Google Chrome) on PATH, installing Debian's `chromium` package first when
 * none is found and this process runs as root with apt-get. Idempotent and quiet (one line on stderr when it installs).
 *
 * @throws Error naming what to install by hand when it cannot find or install a browser.
 */
export function ensureChromium(): Promise<string> {
  installing ??= locate();
  return installing;
}

async function locate(): Promise<string> {
  const configured = process.env[PATH_VARIABLE];
  if (!configured) return ensureBinary(TEST_SERVERS.chromium, MANUAL);
  if (isExecutable(configured)) return configured;
  throw new Error(`${PATH_VARIABLE} is set to ${configured}, which is not an executable file. ${MANUAL}`);
}
