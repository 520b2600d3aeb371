import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

let tempCounter = 0;

/**
 * Writes `text` to `path` so that a reader (or a crash) only ever sees the old file or the whole new one: a
 * temporary file beside it, written, fsynced, then renamed over it. The file gets `mode`; a missing directory is
 * made with 0700.
 */
export async function writeFileAtomic(path: string, text: string, mode = 0o600): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  tempCounter += 1;
  const temp = `${path}.tmp-${process.pid}-${tempCounter}`;
  const handle = await open(temp, 'w', mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}
