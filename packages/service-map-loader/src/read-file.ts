import { createReadStream } from 'node:fs';
import { describeMap, ServiceMapError } from './errors.js';
import { readBounded } from './read-bounded.js';

const FILE_ERROR_HINTS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file. Check serviceMapUrl',
  EACCES: 'permission denied. Check the file permissions',
  EPERM: 'permission denied. Check the file permissions',
  EISDIR: 'it is a directory. Point serviceMapUrl at the map file',
};

/**
 * Reads a `file:` map with the same byte limit as HTTP. Streams rather than stat-then-read, so a FIFO or a
 * device file cannot make the read unbounded.
 */
export async function readServiceMapFile(
  filePath: string,
  displayUrl: string,
  maxBytes: number,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const stream = createReadStream(filePath, { signal });
  try {
    return await readBounded(stream, maxBytes, displayUrl);
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === undefined) throw error;
    throw new ServiceMapError(
      'file',
      `${describeMap(displayUrl)}: cannot read the file (${code}): ${FILE_ERROR_HINTS[code] ?? 'check serviceMapUrl and the file'}.`,
      { url: displayUrl, cause: error },
    );
  } finally {
    stream.destroy();
  }
}

// fs failures carry an errno code such as ENOENT; aborts (ABORT_ERR) and our own errors pass through untouched.
function systemErrorCode(error: unknown): string | undefined {
  if (error instanceof ServiceMapError) return undefined;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
}
