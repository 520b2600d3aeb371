/** Where a command writes. */
export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /**
   * Whether stderr is a terminal: long work (connectors connecting) then shows progress there. Default false, so
   * output stays quiet and machine-readable when piped or captured.
   */
  isTTY?: boolean;
}

/** The environment a command reads (usually `process.env`). */
export type CommandEnv = Readonly<Record<string, string | undefined>>;

/** A command of the `mcp-host` program: takes the arguments after its name, resolves with the exit code. */
export type CliCommand = (argv: readonly string[], io: CommandIo, env: CommandEnv) => Promise<number>;

/** Exit codes: success; the work failed (invalid map, I/O error); the command line or configuration is wrong. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Writes one diagnostic line to stderr, prefixed with the command (`mcp-host sign: …`). */
export function reportFailure(io: CommandIo, command: string, message: string): void {
  io.stderr.write(`mcp-host ${command}: ${message.replace(/\s*[\r\n]+\s*/g, ' ')}\n`);
}

/** The message of an unknown thrown value, without trusting its shape. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
