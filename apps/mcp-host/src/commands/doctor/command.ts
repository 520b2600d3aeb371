import packageJson from '../../../package.json' with { type: 'json' };
import { type CommandEnv, type CommandIo, EXIT_FAILURE, EXIT_OK } from '../command.js';
import { expectPositionals, type OwnFlag, parseCommandLine } from '../command-line.js';
import { ConnectProgressLine } from '../progress.js';
import { parseTimeoutFlag, TIMEOUT_FLAG } from '../timeout-flag.js';
import { doctorReportJson, formatDoctorReport } from './format.js';
import { DOCTOR_TIMEOUT_MS, runDoctorChecks } from './runner.js';

const FLAGS = {
  json: { type: 'boolean' },
  'timeout-ms': TIMEOUT_FLAG,
} as const satisfies Record<string, OwnFlag>;

/**
 * `mcp-host doctor [--json] [--timeout-ms <ms>] [settings]`: runs every check once and prints one line per check
 * (or JSON). Resolves with 0 when no check failed (warnings allowed), 1 when one did.
 *
 * @throws HostConfigError for a bad command line (an invalid configuration is a failed check, not an exception).
 */
export async function runDoctor(argv: readonly string[], io: CommandIo, env: CommandEnv): Promise<number> {
  const line = parseCommandLine('doctor', argv, FLAGS);
  expectPositionals(line.positionals, [], 'mcp-host doctor [--json] [--timeout-ms <ms>] [settings]');
  const timeoutMs = parseTimeoutFlag(line.values['timeout-ms'] as string | undefined, DOCTOR_TIMEOUT_MS);
  const json = line.values.json === true;
  const progress = new ConnectProgressLine(io, 'probing');
  const report = await runDoctorChecks({
    argv: line.configArgv,
    env,
    timeoutMs,
    version: packageJson.version,
    onConnectProgress: (event) => progress.update(event),
  }).finally(() => progress.finish());
  io.stdout.write(json ? doctorReportJson(report) : formatDoctorReport(report));
  return report.ok ? EXIT_OK : EXIT_FAILURE;
}
