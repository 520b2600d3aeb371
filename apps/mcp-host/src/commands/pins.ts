import { loadHostConfig } from '../config/index.js';
import type { Logger } from '../logger.js';
import { approvePendingPins, parseToolPins, type ToolPinsFile, WarmStateStore } from '../state/index.js';
import {
  type CommandEnv,
  type CommandIo,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  reportFailure,
} from './command.js';
import { type OwnFlag, parseCommandLine } from './command-line.js';
import { formatTable, printable } from './format.js';

const FLAGS = { json: { type: 'boolean' }, all: { type: 'boolean' } } as const satisfies Record<
  string,
  OwnFlag
>;

/**
 * `mcp-host pins list [--json]` shows the tools whose definition changed since it was pinned;
 * `mcp-host pins approve <connector> [<tool>] | --all` accepts the changed definitions as the new pins. A running
 * host reads the pins again at its next sync, so a tool withheld under the `block` policy comes back then.
 *
 * @throws HostConfigError for a bad command line or configuration.
 */
export async function runPins(argv: readonly string[], io: CommandIo, env: CommandEnv): Promise<number> {
  const [name, ...rest] = argv;
  if (name !== 'list' && name !== 'approve') {
    const got = name === undefined ? 'no subcommand' : `unknown subcommand ${JSON.stringify(name)}`;
    reportFailure(io, 'pins', `${got}; use list or approve (run "mcp-host pins --help").`);
    return EXIT_USAGE;
  }
  const line = parseCommandLine('pins', rest, FLAGS);
  const { stateDir } = loadHostConfig({ argv: line.configArgv, env, command: 'pins' });
  const store = new WarmStateStore({ stateDir: stateDir as string, logger: stderrLogger(io) });
  const text = await store.readToolPins();
  const file = text === undefined ? emptyFile() : parseToolPins(text);
  if (file === undefined) {
    reportFailure(
      io,
      'pins',
      `the pins file in ${stateDir} is not valid; the host rewrites it at its next sync.`,
    );
    return EXIT_FAILURE;
  }
  if (name === 'list') return listChanges(file, io, line.values.json === true);
  const [connectorId, toolName] = line.positionals;
  if (connectorId === undefined && line.values.all !== true) {
    reportFailure(
      io,
      'pins',
      'name a connector (and optionally a tool), or pass --all to approve every change.',
    );
    return EXIT_USAGE;
  }
  const { file: next, approved } = approvePendingPins(file, Date.now(), connectorId, toolName);
  if (approved.length === 0) {
    io.stdout.write('Nothing to approve: no changed tool definition matches.\n');
    return EXIT_OK;
  }
  await store.saveToolPins(`${JSON.stringify(next, null, 2)}\n`);
  await store.idle();
  io.stdout.write(`Approved ${approved.length} changed tool definition(s): ${approved.join(', ')}\n`);
  return EXIT_OK;
}

function listChanges(file: ToolPinsFile, io: CommandIo, json: boolean): number {
  const rows = Object.entries(file.connectors).flatMap(([connectorId, tools]) =>
    Object.entries(tools)
      .filter(([, record]) => record.pending !== undefined)
      .map(([tool, record]) => ({ connectorId, tool, seenAtMs: record.pending?.seenAtMs ?? 0 })),
  );
  if (json) {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT_OK;
  }
  if (rows.length === 0) {
    io.stdout.write('No changed tool definitions.\n');
    return EXIT_OK;
  }
  const table = rows.map((row) => [
    printable(row.connectorId),
    printable(row.tool),
    new Date(row.seenAtMs).toISOString(),
  ]);
  io.stdout.write(`${formatTable(['connector', 'tool', 'changed definition seen'], table)}\n`);
  return EXIT_OK;
}

function emptyFile(): ToolPinsFile {
  return { version: 1, connectors: {} };
}

function stderrLogger(io: CommandIo): Logger {
  const write = (object: object, message?: string) =>
    io.stderr.write(`mcp-host pins: ${message ?? ''} ${JSON.stringify(object)}\n`);
  return { warn: write, info: () => {}, error: write, debug: () => {} } as unknown as Logger;
}
