import { describe, expect, it } from 'vitest';
import { commandHelp, TOP_LEVEL_HELP } from '../../src/commands/help.js';
import { runCli } from './cli-process.js';

/** The command names of the top-level help's "Commands:" section. */
function listedCommands(): string[] {
  const section = TOP_LEVEL_HELP.split('\nCommands:\n')[1]?.split('\n\n')[0] ?? '';
  return section
    .split('\n')
    .map((line) => /^ {2}([a-z]+)\b/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

/** The lines of a help text's "Examples:" section. */
function examplesOf(text: string): string[] {
  const section = text.split('\nExamples:\n')[1] ?? '';
  return section.split('\n').filter((line) => line.startsWith('  mcp-host') || /^ {2}[A-Z_]+=/.test(line));
}

describe('help', () => {
  it('lists every command, doctor and status included', () => {
    expect(listedCommands()).toEqual([
      'serve',
      'demo',
      'tools',
      'sign',
      'verify',
      'servers',
      'pins',
      'keys',
      'doctor',
      'status',
      'help',
    ]);
  });

  it.each(listedCommands())('"%s" has its own help with usage and 2 or more examples', (command) => {
    const text = commandHelp(command);
    expect(text, `no help for ${command}`).toBeDefined();
    expect(text).toMatch(new RegExp(`^Usage: mcp-host (\\[${command}\\]|${command})( |$)`));
    expect(examplesOf(text as string).length).toBeGreaterThanOrEqual(2);
  });

  it('the top-level help has examples too', () => {
    expect(examplesOf(TOP_LEVEL_HELP).length).toBeGreaterThanOrEqual(2);
  });

  it('documents the flags of doctor and status', () => {
    expect(commandHelp('doctor')).toMatch(/--json\s/);
    expect(commandHelp('doctor')).toMatch(/--timeout-ms <ms>/);
    expect(commandHelp('status')).toMatch(/--url <url>/);
    expect(commandHelp('status')).toContain('MCP_HOST_PORT');
    expect(commandHelp('servers')).toContain('servers list [--json]');
    expect(commandHelp('tools')).toMatch(/--json/);
  });

  it('the built program prints each help through --help and through "help --help"', async () => {
    const [doctor, status, help] = await Promise.all([
      runCli(['doctor', '--help']),
      runCli(['status', '-h']),
      runCli(['help', '--help']),
    ]);
    expect(doctor).toMatchObject({ code: 0, stdout: commandHelp('doctor') });
    expect(status).toMatchObject({ code: 0, stdout: commandHelp('status') });
    expect(help).toMatchObject({ code: 0, stdout: commandHelp('help') });
  });
});
