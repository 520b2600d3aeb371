import {
  type RegistryLogger,
  RegistryMemoryCache,
  RegistryStoreError,
  type ServerInfo,
} from '@cortex-mcp/registry-fs-store';
import { loadHostConfig } from '../config/index.js';
import {
  type CommandEnv,
  type CommandIo,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  reportFailure,
} from './command.js';
import { expectPositionals, type OwnFlag, parseCommandLine } from './command-line.js';
import { formatTable, printable, printableUrl } from './format.js';
import { ADD_FLAGS, serverFromFlags } from './server-from-flags.js';

type Subcommand = (argv: readonly string[], io: CommandIo, env: CommandEnv) => Promise<number>;

const SUBCOMMANDS: Record<string, Subcommand> = { add: addServer, list: listServers, remove: removeServer };

/**
 * `mcp-host servers add|list|remove`: edits the registry file (`registryPath`) through `RegistryMemoryCache`.
 * A validation error names the field; resolves with 2 for it, 1 when the file cannot be read or written.
 *
 * @throws HostConfigError for a bad command line or configuration.
 */
export async function runServers(argv: readonly string[], io: CommandIo, env: CommandEnv): Promise<number> {
  const [name, ...rest] = argv;
  const subcommand = name !== undefined && Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  if (subcommand === undefined) {
    const got = name === undefined ? 'no subcommand' : `unknown subcommand ${JSON.stringify(name)}`;
    reportFailure(io, 'servers', `${got}; use add, list or remove (run "mcp-host servers --help").`);
    return EXIT_USAGE;
  }
  try {
    return await subcommand(rest, io, env);
  } catch (error) {
    if (!(error instanceof RegistryStoreError)) throw error;
    reportFailure(io, 'servers', error.message);
    return error.code === 'invalid_server' ? EXIT_USAGE : EXIT_FAILURE;
  }
}

async function addServer(argv: readonly string[], io: CommandIo, env: CommandEnv): Promise<number> {
  const line = parseCommandLine('servers', argv, ADD_FLAGS);
  expectPositionals(
    line.positionals,
    ['<name>'],
    'mcp-host servers add <name> (--command <cmd> | --url <url>)',
  );
  const server = serverFromFlags({
    name: line.positionals[0] as string,
    values: line.values,
    extraArgs: line.afterTerminator,
  });
  const registryPath = loadHostConfig({ argv: line.configArgv, env, command: 'servers' }).registryPath;
  return withRegistry(registryPath, io, (cache) => {
    const existing = cache.get(server.name);
    if (existing !== undefined && line.values.replace !== true) {
      reportFailure(
        io,
        'servers',
        `a server named ${JSON.stringify(existing.name)} already exists in ${registryPath}; pass --replace to overwrite it.`,
      );
      return EXIT_FAILURE;
    }
    const stored = cache.upsert(server);
    const verb = existing === undefined ? 'Added' : 'Replaced';
    const state = stored.enabled ? 'enabled' : 'disabled';
    io.stdout.write(`${verb} ${stored.transport} server "${stored.name}" (${state}) in ${registryPath}\n`);
    return EXIT_OK;
  });
}

const LIST_FLAGS = { json: { type: 'boolean' } } as const satisfies Record<string, OwnFlag>;

async function listServers(argv: readonly string[], io: CommandIo, env: CommandEnv): Promise<number> {
  const line = parseCommandLine('servers', argv, LIST_FLAGS);
  expectPositionals(line.positionals, [], 'mcp-host servers list [--json]');
  const registryPath = loadHostConfig({ argv: line.configArgv, env, command: 'servers' }).registryPath;
  return withRegistry(registryPath, io, (cache) => {
    const servers = cache.getAll();
    if (line.values.json === true) {
      io.stdout.write(`${JSON.stringify(servers.map(describeForJson), null, 2)}\n`);
    } else if (servers.length === 0) {
      io.stdout.write(
        `No servers in ${registryPath}. Add one with: mcp-host servers add <name> --url <url>\n`,
      );
    } else {
      const rows = servers.map((server) => [
        server.name,
        server.transport,
        server.enabled ? 'yes' : 'no',
        targetOf(server),
      ]);
      io.stdout.write(formatTable(['NAME', 'TRANSPORT', 'ENABLED', 'TARGET'], rows));
    }
    return EXIT_OK;
  });
}

async function removeServer(argv: readonly string[], io: CommandIo, env: CommandEnv): Promise<number> {
  const line = parseCommandLine('servers', argv, {});
  expectPositionals(line.positionals, ['<name>'], 'mcp-host servers remove <name>');
  const name = line.positionals[0] as string;
  const registryPath = loadHostConfig({ argv: line.configArgv, env, command: 'servers' }).registryPath;
  return withRegistry(registryPath, io, (cache) => {
    if (!cache.remove(name)) {
      reportFailure(io, 'servers', `no server named ${JSON.stringify(name)} in ${registryPath}.`);
      return EXIT_FAILURE;
    }
    io.stdout.write(`Removed "${name.trim()}" from ${registryPath}\n`);
    return EXIT_OK;
  });
}

/** Opens the registry, runs `work`, and writes any change before returning (no timer: the process ends next). */
async function withRegistry(
  registryPath: string,
  io: CommandIo,
  work: (cache: RegistryMemoryCache) => number,
): Promise<number> {
  const cache = new RegistryMemoryCache({ registryPath, flushIntervalMs: 0, logger: stderrLogger(io) });
  await cache.init();
  try {
    return work(cache);
  } finally {
    await cache.close();
  }
}

function stderrLogger(io: CommandIo): RegistryLogger {
  return {
    warn(fields, message) {
      const { quarantinedPath, problems, error } = fields as {
        quarantinedPath?: string;
        problems?: string[];
        error?: string;
      };
      const details = [
        quarantinedPath === undefined ? undefined : `moved to ${quarantinedPath}`,
        problems === undefined ? undefined : problems.join('; '),
        error,
      ].filter((part) => part !== undefined);
      reportFailure(
        io,
        'servers',
        `warning: ${message ?? 'registry warning'}${details.length > 0 ? ` (${details.join('; ')})` : ''}`,
      );
    },
  };
}

/** What a server points at, safe to print: the URL without credentials, or the command line. Never env/headers. */
function targetOf(server: ServerInfo): string {
  if (server.transport !== 'stdio') return printableUrl(server.url);
  return printable([server.command, ...(server.args ?? [])].map(quoteArgument).join(' '));
}

function quoteArgument(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : JSON.stringify(argument);
}

function describeForJson(server: ServerInfo): Record<string, unknown> {
  const common = { name: server.name, transport: server.transport, enabled: server.enabled };
  if (server.transport === 'stdio') {
    return {
      ...common,
      command: server.command,
      args: server.args ?? [],
      ...(server.cwd === undefined ? {} : { cwd: server.cwd }),
      // Names only: values are often tokens.
      envNames: Object.keys(server.env ?? {}),
    };
  }
  return { ...common, url: printableUrl(server.url), headerNames: Object.keys(server.headers ?? {}) };
}
