// In-process CommandIo that keeps what a command writes, with stderr's terminal-ness chosen by the test.
import { Writable } from 'node:stream';
import type { CommandIo } from '../../src/commands/command.js';

/** A CommandIo whose streams collect text; `isTTY` says whether stderr pretends to be a terminal. */
export function captureIo(isTTY = false): CommandIo & { out(): string; err(): string } {
  const collect = () => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        chunks.push(String(chunk));
        done();
      },
    });
    return { stream, text: () => chunks.join('') };
  };
  const stdout = collect();
  const stderr = collect();
  return { stdout: stdout.stream, stderr: stderr.stream, isTTY, out: stdout.text, err: stderr.text };
}
