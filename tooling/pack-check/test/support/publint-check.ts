import { readFile } from 'node:fs/promises';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

/** publint's findings for one tarball, each as one readable line. */
export interface PublintFindings {
  /** Errors and warnings (strict mode turns warnings into errors): any of these fails the check. */
  readonly problems: readonly string[];
  /** Suggestions: printed, never fatal. */
  readonly suggestions: readonly string[];
}

/**
 * Lint a packed tarball with publint's JS API. The tarball, not the folder, so publint sees exactly the files npm
 * users get (a file left out of "files" is caught).
 */
export async function lintTarball(tarballPath: string): Promise<PublintFindings> {
  const bytes = await readFile(tarballPath);
  const tarball = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const { messages, pkg } = await publint({ pack: { tarball }, level: 'suggestion', strict: true });
  const line = (message: (typeof messages)[number]) =>
    `${message.type} ${message.code}: ${formatMessage(message, pkg, { color: false }) ?? message.path.join('.')}`;
  return {
    problems: messages.filter((message) => message.type !== 'suggestion').map(line),
    suggestions: messages.filter((message) => message.type === 'suggestion').map(line),
  };
}
