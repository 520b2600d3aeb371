#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { runFoundationDemo } from './demo/foundation-demo.js';

const USAGE = `Usage: mcp-host <command> [options]

Commands:
  demo    Run the embedded demo on loopback: a locally signed service map, loaded through one shared
          connection pool, cached with stale-on-error, refreshed on a jittered schedule, and a user server
          saved crash-safely to a registry file. Needs no network and no configuration.

Options:
  --interval-ms <ms>   demo: mean time between refreshes (default 1000, jittered ±20%)
  -h, --help           show this help

Examples:
  mcp-host demo
  mcp-host demo --interval-ms 300
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'interval-ms': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const command = positionals[0];
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined && !values.help ? 1 : 0;
  }
  if (command !== 'demo') {
    process.stderr.write(`mcp-host: unknown command "${command}"; run "mcp-host --help" for the list.\n`);
    return 2;
  }
  const intervalMs = values['interval-ms'] === undefined ? 1000 : Number(values['interval-ms']);
  if (!Number.isFinite(intervalMs) || intervalMs < 50) {
    process.stderr.write(
      `mcp-host: --interval-ms must be a number of milliseconds ≥ 50, got "${values['interval-ms']}".\n`,
    );
    return 2;
  }
  process.stdout.write('Cortex MCP Host: foundation demo (loopback only)\n\n');
  await runFoundationDemo({ intervalMs, print: (line) => process.stdout.write(`${line}\n`) });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`mcp-host: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
