#!/usr/bin/env node
import type { HostConfig } from '../config/index.js';
import { HostConfigError } from '../settings/index.js';
import {
  type CliCommand,
  type CommandEnv,
  type CommandIo,
  EXIT_OK,
  EXIT_USAGE,
  messageOf,
} from './command.js';
import { commandHelp, suggestCommand, TOP_LEVEL_HELP, wantsHelp } from './help.js';

type HostRunner = (config: HostConfig, io: CommandIo, json: boolean) => Promise<number>;

// Commands are imported when they run, so "--help" and a configuration error never load the MCP SDK — and "--help"
// not even zod (the configuration schema is imported when a command loads its configuration).
const hostCommands = () => import('./host-commands.js');

/** serve, demo and tools run the host itself: the configuration is loaded (and refused) before the host is. */
function hostCommand(command: 'serve' | 'demo' | 'tools', loadRunner: () => Promise<HostRunner>): CliCommand {
  return async (argv, io, env) => {
    // --json is the only flag of tools that is not a setting.
    const json = command === 'tools' && argv.includes('--json');
    const settingsArgv = json ? argv.filter((argument) => argument !== '--json') : argv;
    // A host parses most of its zod schemas once or a few times (configuration, warm-state files, the first MCP
    // messages), and zod's JIT compiles a parser per object schema on first use: at start-up that costs more than it
    // saves (~7 ms of a warm start, measured). Set before any schema is built; steady state pays ~3 µs per tool call.
    (await import('zod')).z.config({ jitless: true });
    const { loadHostConfig } = await import('../config/index.js');
    const config = loadHostConfig({ argv: settingsArgv, env, command });
    return (await loadRunner())(config, io, json);
  };
}

const COMMANDS: Record<string, CliCommand> = {
  serve: hostCommand('serve', async () => (await hostCommands()).runServe),
  demo: hostCommand('demo', async () => (await hostCommands()).runDemo),
  tools: hostCommand('tools', async () => {
    const { runTools } = await hostCommands();
    return (config, io, json) => runTools(config, io, { json });
  }),
  sign: async (...args) => (await import('./sign.js')).runSign(...args),
  verify: async (...args) => (await import('./verify.js')).runVerify(...args),
  servers: async (...args) => (await import('./servers.js')).runServers(...args),
  pins: async (...args) => (await import('./pins.js')).runPins(...args),
  keys: async (...args) => (await import('./keys.js')).runKeys(...args),
  doctor: async (...args) => (await import('./doctor/index.js')).runDoctor(...args),
  status: async (...args) => (await import('./status/index.js')).runStatus(...args),
};

async function main(argv: readonly string[], io: CommandIo, env: CommandEnv): Promise<number> {
  const [first, ...rest] = argv;
  // "mcp-host help --help" is the help of the help command.
  if (first === 'help') return showHelp(rest[0] === '--help' || rest[0] === '-h' ? 'help' : rest[0], io);
  // No command, or flags first: "mcp-host --stdio" means "mcp-host serve --stdio".
  if (first === undefined || first.startsWith('-')) {
    return wantsHelp(argv) ? showHelp(undefined, io) : run('serve', argv, io, env);
  }
  if (!Object.hasOwn(COMMANDS, first)) {
    const suggestion = suggestCommand(first, Object.keys(COMMANDS));
    const hint = suggestion === undefined ? '' : ` Did you mean "mcp-host ${suggestion}"?`;
    io.stderr.write(
      `mcp-host: unknown command ${JSON.stringify(first)}; run "mcp-host --help" for the list.${hint}\n`,
    );
    return EXIT_USAGE;
  }
  return wantsHelp(rest) ? showHelp(first, io) : run(first, rest, io, env);
}

async function run(
  command: string,
  argv: readonly string[],
  io: CommandIo,
  env: CommandEnv,
): Promise<number> {
  try {
    return await (COMMANDS[command] as CliCommand)(argv, io, env);
  } catch (error) {
    if (!(error instanceof HostConfigError)) throw error;
    io.stderr.write(`mcp-host ${command}: ${error.message}\n`);
    return EXIT_USAGE;
  }
}

function showHelp(command: string | undefined, io: CommandIo): number {
  const text = command === undefined ? TOP_LEVEL_HELP : commandHelp(command);
  if (text === undefined) {
    io.stderr.write(
      `mcp-host: no help for ${JSON.stringify(command)}: not a command; run "mcp-host --help" for the list.\n`,
    );
    return EXIT_USAGE;
  }
  io.stdout.write(text);
  return EXIT_OK;
}

const io: CommandIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: process.stderr.isTTY === true,
};

main(process.argv.slice(2), io, process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`mcp-host: ${messageOf(error)}\n`);
    process.exitCode = 1;
  },
);
