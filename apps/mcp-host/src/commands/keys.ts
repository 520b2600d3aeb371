import { isKeyName, isScope, KeysFileError, newApiKey, readKeysFile, writeKeysFile } from '../auth/index.js';
import { loadHostConfig } from '../config/index.js';
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

const FLAGS = {
  json: { type: 'boolean' },
  scope: { type: 'string', multiple: true, expects: 'a scope' },
} as const satisfies Record<string, OwnFlag>;

/**
 * `mcp-host keys add <name> [--scope <s>]…` makes a key for `auth: api-keys`, stores only its hash (and name and
 * scopes) in the keys file, and prints the key once; `keys list [--json]` shows names, scopes and dates (never a key or
 * hash); `keys remove <name>` revokes one. A running host reads the file again within about a second.
 *
 * @throws HostConfigError for a bad command line or configuration.
 */
export async function runKeys(argv: readonly string[], io: CommandIo, env: CommandEnv): Promise<number> {
  const [action, ...rest] = argv;
  if (action !== 'add' && action !== 'list' && action !== 'remove') {
    const got = action === undefined ? 'no subcommand' : `unknown subcommand ${JSON.stringify(action)}`;
    reportFailure(io, 'keys', `${got}; use add, list or remove (run "mcp-host keys --help").`);
    return EXIT_USAGE;
  }
  const line = parseCommandLine('keys', rest, FLAGS);
  const { keysPath } = loadHostConfig({ argv: line.configArgv, env, command: 'keys' });
  let file: Awaited<ReturnType<typeof readKeysFile>>;
  try {
    file = await readKeysFile(keysPath);
  } catch (error) {
    if (!(error instanceof KeysFileError)) throw error;
    reportFailure(io, 'keys', error.message);
    return EXIT_FAILURE;
  }
  if (action === 'list') return listKeys(file.keys, io, line.values.json === true);
  const [name, extra] = line.positionals;
  if (name === undefined || extra !== undefined || !isKeyName(name)) {
    reportFailure(
      io,
      'keys',
      `name one key: 1–64 letters, digits, ".", "_" or "-" (run "mcp-host keys --help").`,
    );
    return EXIT_USAGE;
  }
  const existing = file.keys.find((entry) => entry.name === name);
  if (action === 'remove') {
    if (!existing) {
      reportFailure(io, 'keys', `no key is named ${JSON.stringify(name)} in ${keysPath}.`);
      return EXIT_FAILURE;
    }
    await writeKeysFile(
      keysPath,
      file.keys.filter((entry) => entry !== existing),
    );
    io.stdout.write(`Removed key ${name}: a running host refuses it within about a second.\n`);
    return EXIT_OK;
  }
  const scopes = (line.values.scope as string[] | undefined) ?? [];
  const badScope = scopes.find((scope) => !isScope(scope));
  if (badScope !== undefined) {
    reportFailure(
      io,
      'keys',
      `${JSON.stringify(badScope)} is not a scope (printable ASCII, no space, quote or backslash).`,
    );
    return EXIT_USAGE;
  }
  if (existing) {
    reportFailure(io, 'keys', `a key named ${JSON.stringify(name)} exists; remove it first to replace it.`);
    return EXIT_FAILURE;
  }
  const { key, entry } = newApiKey(name, [...new Set(scopes)], new Date());
  await writeKeysFile(keysPath, [...file.keys, entry]);
  io.stdout.write(
    `${key}\n` +
      `Key ${name} added to ${keysPath}${entry.scopes.length ? ` with scopes ${entry.scopes.join(' ')}` : ''}.\n` +
      'It is shown this once: only its hash is stored. Clients send it as "Authorization: Bearer <key>".\n',
  );
  return EXIT_OK;
}

function listKeys(
  keys: ReadonlyArray<{ name: string; scopes: readonly string[]; createdAt: string }>,
  io: CommandIo,
  json: boolean,
): number {
  const rows = keys.map(({ name, scopes, createdAt }) => ({ name, scopes: [...scopes], createdAt }));
  if (json) {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT_OK;
  }
  if (rows.length === 0) {
    io.stdout.write('No API keys. Add one with "mcp-host keys add <name>".\n');
    return EXIT_OK;
  }
  const table = rows.map((row) => [
    printable(row.name),
    printable(row.scopes.join(' ') || '—'),
    row.createdAt,
  ]);
  io.stdout.write(`${formatTable(['name', 'scopes', 'created'], table)}\n`);
  return EXIT_OK;
}
