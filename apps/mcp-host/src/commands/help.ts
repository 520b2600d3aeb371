import type { HostConfigCommand } from '../settings/index.js';
import { renderSettingsHelp } from './settings-help.js';

/** The help shown by `mcp-host --help` and `mcp-host help`. */
export const TOP_LEVEL_HELP = `Usage: mcp-host <command> [options]

Cortex MCP Host: one MCP endpoint that federates the connectors of a signed service map
and the servers in your registry file.

Commands:
  serve               Run the host (the default when no command is given)
  demo                Run a self-contained demo on loopback: no network, no configuration
  tools               Sync once and print the aggregated tool list (--json for JSON)
  sign <manifest>     Sign a service map with CONNECTORS_SIGNATURE_KEY (for map producers)
  verify <url|file>   Load and verify a signed service map, then list its connectors
  servers             Add, list or remove servers in the registry file
  pins                List or approve changed tool definitions (tool pinning)
  keys                Add, list or remove API keys (auth api-keys)
  doctor              Check configuration, map, signature, connectors, registry file, Redis and auth
  status              Show a running host's status (--json for the raw document)
  help [command]      Show the help of a command

Options:
  -h, --help          Show help; works after every command (mcp-host servers --help)

Examples:
  mcp-host
  mcp-host --stdio
  mcp-host demo
  MCP_HOST_PORT=8080 mcp-host demo
  CONNECTORS_SIGNATURE_KEY=change-me mcp-host sign map.json --out map.signed.json
  CONNECTORS_SIGNATURE_KEY=change-me mcp-host verify https://maps.example.com/service-map
  mcp-host servers add docs --url https://example.com/mcp
  mcp-host tools --json
  mcp-host doctor
  mcp-host status --url http://127.0.0.1:3000

Configuration comes from flags, then environment variables, then a JSON config file (--config),
then defaults. "mcp-host serve --help" lists every setting.
`;

const SERVE_HELP = `Usage: mcp-host [serve] [options]

Runs the host: loads the signed service map (if CONNECTORS_SERVICE_MAP_URL is set) and the registry
file, connects to every enabled server, and serves their tools as one MCP server over Streamable HTTP
(default) or stdio (--stdio). Stops cleanly on SIGINT/SIGTERM.

${renderSettingsHelp('serve')}

Examples:
  mcp-host
  mcp-host --stdio
  mcp-host --port 0 --log-level debug
  CONNECTORS_SERVICE_MAP_URL=https://maps.example.com/service-map CONNECTORS_SIGNATURE_KEY=change-me mcp-host
  MCP_CONNECTOR_REFRESH_SYNC=true mcp-host --config ./mcp-host.json
`;

const DEMO_HELP = `Usage: mcp-host demo [options]

Runs the embedded demo on loopback: two demo MCP servers (one over Streamable HTTP, one over the
legacy SSE transport) listed in a service map signed with a key made for this run, served by a real
host. Prints the tools and the URL to point an MCP client at; Ctrl+C stops it. Needs no network and
no configuration, and never touches your registry file (its state lives in a temporary folder).

${renderSettingsHelp('demo')}

Examples:
  mcp-host demo
  mcp-host demo --port 8080 --log-level warn
`;

const TOOLS_HELP = `Usage: mcp-host tools [--json] [options]

Syncs once (service map and registry file), then prints every tool the host would serve, as
connectorId.toolName with its description. Takes the same settings as "mcp-host serve".
On a terminal, stderr shows the connectors connecting (n/N) and names each failure; piped or
redirected, only the list (and, without --json, one summary line on stderr) is printed.

Options:
  --json   Print the list as JSON

${renderSettingsHelp('tools')}

Examples:
  mcp-host tools
  mcp-host tools --json
  CONNECTORS_SERVICE_MAP_URL=file:///etc/mcp/map.json CONNECTORS_SIGNATURE_KEY=change-me mcp-host tools
`;

const SIGN_HELP = `Usage: mcp-host sign <manifest.json> [--out <file>] [options]

Signs an unsigned service map for map producers: checks it against the service-map schema, adds
"signature" (HMAC-SHA256, base64url, over the canonical JSON) with the first signature key
(CONNECTORS_SIGNATURE_KEY), and writes the signed JSON to --out or stdout. A map that already has a
signature is signed again.

Options:
  --out <file>   Write the signed map here instead of stdout

${renderSettingsHelp('sign')}

Examples:
  CONNECTORS_SIGNATURE_KEY=change-me mcp-host sign map.json > map.signed.json
  CONNECTORS_SIGNATURE_KEY=change-me mcp-host sign map.json --out map.signed.json
`;

const VERIFY_HELP = `Usage: mcp-host verify <url|file> [options]

Loads a signed service map exactly as the host does (fetch, size and time limits, schema, signature
against every configured key) and prints its id, generatedAt, expiry and connectors. A plain path is
read as a file. Exit code 0 when the map is valid (even if expired), 1 when it is not.
Keys: CONNECTORS_SIGNATURE_KEY and/or CONNECTORS_SIGNATURE_KEYS; CONNECTORS_API_KEY is sent to http(s) URLs.

${renderSettingsHelp('verify')}

Examples:
  CONNECTORS_SIGNATURE_KEY=change-me mcp-host verify map.signed.json
  CONNECTORS_SIGNATURE_KEYS=new-key,old-key mcp-host verify https://maps.example.com/service-map
`;

const SERVERS_HELP = `Usage: mcp-host servers <add|list|remove> [options]

Manages the registry file of user-added servers (they join the host beside the service map).

  servers add <name> --command <cmd> [--arg <a>]... [--env K=V]... [--cwd <dir>] [-- <args>...]
  servers add <name> --url <url> [--transport streamable-http|sse] [--header K:V]...
      Adds a stdio server (a command the host starts) or a remote one (default transport
      streamable-http). --disabled registers it switched off. --replace overwrites an existing entry.
  servers list [--json]
      Name, transport, target (URL or command) and whether it is enabled. Never shows env or
      header values.
  servers remove <name>
      Removes the entry (exit 1 if there is none).

${renderSettingsHelp('servers')}

Examples:
  mcp-host servers add files --command npx -- -y @modelcontextprotocol/server-filesystem /tmp
  mcp-host servers add github --command github-mcp --env GITHUB_TOKEN=ghp_example
  mcp-host servers add docs --url https://example.com/mcp --header "Authorization:Bearer example"
  mcp-host servers add legacy --url http://127.0.0.1:8080/sse --transport sse --disabled
  mcp-host servers list --json
  mcp-host servers remove docs
`;

const PINS_HELP = `Usage: mcp-host pins <list|approve> [options]

Tool pinning: the host pins every tool's definition (name, description, schemas, annotations) the first
time it sees it. When a connector later changes a pinned tool, the host logs the changed fields and —
with MCP_TOOL_PIN_POLICY=block — withholds the tool until the change is approved here. A running host
reads the pins again at its next sync.

  pins list [--json]
      The tools whose live definition differs from their pin.
  pins approve <connector> [<tool>]
  pins approve --all
      Accepts the changed definitions (one tool, one connector's, or all) as the new pins.

${renderSettingsHelp('pins')}

Examples:
  mcp-host pins list
  mcp-host pins approve github search_issues
  mcp-host pins approve --all
`;

const KEYS_HELP = `Usage: mcp-host keys <add|list|remove> [options]

API keys for auth api-keys (MCP_AUTH=api-keys). The keys file (keysPath, default keys.json next to the registry
file, mode 0600) holds each key's name, scopes and SHA-256 hash, never the key. A running host reads it again
within about a second of a change.

  keys add <name> [--scope <scope>]...
      Makes a key, stores its hash, and prints the key once. Clients send "Authorization: Bearer <key>".
      --scope (repeatable) grants a scope: ${'`'}mcp:ops${'`'} (opsScope) opens /status, /metrics and the status page.
  keys list [--json]
      Names, scopes and creation dates (never a key or a hash).
  keys remove <name>
      Revokes a key.

${renderSettingsHelp('keys')}

Examples:
  mcp-host keys add laptop
  mcp-host keys add grafana --scope mcp:ops
  mcp-host keys remove laptop
`;

const DOCTOR_HELP = `Usage: mcp-host doctor [--json] [--timeout-ms <ms>] [options]

Checks, in order, and without changing anything:
  configuration   loads and validates the settings (flags, environment, config file), naming a bad one
  service map     fetches CONNECTORS_SERVICE_MAP_URL through the loader, with its time and size limits
  map signature   verifies it with the configured keys (and says which key matched)
  map expiry      fresh, or expired and served as stale
  connector <id>  for every enabled connector (map and registry file): connects, reads the negotiated
                  MCP protocol version, counts the tools, disconnects (4 at once)
  registry file   exists, parses, valid entries, owner-only permissions, writable (read-only is a warning)
  redis           with MCP_REDIS_URL: Redis answers (within 2 s), and who holds the refresh lease
  shared map      the map the fleet shares in Redis passes this host's verification (same keys)
  client auth     auth none only on loopback; auth api-keys: a keys file with at least one key, owner-only
Prints one line per check: ok, warn, fail (with a fix) or skip. Exit code 0 when no check failed
(warnings allowed), 1 when one did, 2 for a bad command line. Never prints a key, token or header value.
On a terminal, stderr shows the connector probes (n/N) as they finish.

Options:
  --json             Print the checks as JSON: { ok, summary, checks: [{ area, name, status, detail, fix? }] }
  --timeout-ms <ms>  Longest wait for one connector (a shorter configured connect timeout wins). Default 5000.

${renderSettingsHelp('doctor')}

Examples:
  mcp-host doctor
  CONNECTORS_SERVICE_MAP_URL=https://maps.example.com/service-map CONNECTORS_SIGNATURE_KEY=change-me mcp-host doctor
  mcp-host doctor --json --config ./mcp-host.json --timeout-ms 2000
`;

const STATUS_HELP = `Usage: mcp-host status [--url <url>] [--json] [options]

Asks a running host for its /status document and prints a summary: readiness and uptime, the map
(id, freshness, expiry, last refresh error), one line per connector (state, transport, tools, last
error), the registry version and the last sync. Exit code 1 when no host answers at the address.

Options:
  --url <url>        Address of the running host (its /status is read). Default: http://<host>:<port>
                     from the configuration (MCP_HOST_BIND, MCP_HOST_PORT; 0.0.0.0 is reached as 127.0.0.1).
  --json             Print the /status document as the host sent it
  --timeout-ms <ms>  Longest wait for the answer. Default 5000.

${renderSettingsHelp('status')}

Examples:
  mcp-host status
  mcp-host status --url http://127.0.0.1:8080 --json
  MCP_HOST_PORT=8080 mcp-host status
`;

const HELP_HELP = `Usage: mcp-host help [command]

Shows the list of commands, or the help of one command (the same as "mcp-host <command> --help").

Examples:
  mcp-host help
  mcp-host help doctor
  mcp-host servers --help
`;

const HELP_BY_COMMAND: Record<HostConfigCommand | 'help', string> = {
  serve: SERVE_HELP,
  demo: DEMO_HELP,
  tools: TOOLS_HELP,
  sign: SIGN_HELP,
  verify: VERIFY_HELP,
  servers: SERVERS_HELP,
  pins: PINS_HELP,
  keys: KEYS_HELP,
  doctor: DOCTOR_HELP,
  status: STATUS_HELP,
  help: HELP_HELP,
};

/** The help of one command, or `undefined` for a name that is not a command. */
export function commandHelp(command: string): string | undefined {
  return Object.hasOwn(HELP_BY_COMMAND, command)
    ? HELP_BY_COMMAND[command as HostConfigCommand | 'help']
    : undefined;
}

/** True when the arguments ask for help (`--help` or `-h` before any `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const flags = end === -1 ? argv : argv.slice(0, end);
  return flags.includes('--help') || flags.includes('-h');
}

/** The command a mistyped name probably meant ("sever" → "servers"), if one is close. */
export function suggestCommand(name: string, commands: readonly string[]): string | undefined {
  const scored = commands
    .map((command) => ({ command, distance: editDistance(name.toLowerCase(), command) }))
    .filter(({ command, distance }) => distance <= 2 || name.startsWith(command) || command.startsWith(name))
    .sort((a, b) => a.distance - b.distance);
  return scored[0]?.command;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}
