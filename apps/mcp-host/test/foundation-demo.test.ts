import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runFoundationDemo } from '../src/demo/foundation-demo.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = promisify(execFile);

describe('the foundation demo', () => {
  it('refreshes a signed map through one connection, keeps it through an outage, and batches registry writes', async () => {
    const lines: string[] = [];
    // 500 ms leaves the "cache fresh" scene 150 ms of slack on a loaded machine (fresh for 1.5 intervals).
    const report = await runFoundationDemo({ intervalMs: 500, print: (line) => lines.push(line) });

    expect(report.runs).toBeGreaterThanOrEqual(6);
    expect(report.tcpConnections).toBe(1);
    expect(report.notModified).toBe(1);
    expect(report.staleServedDuringOutage).toBe(true);
    expect(report.connectorIdsAtEnd).toEqual(['arxiv', 'wikidata', 'search', 'legacy']);
    expect(report.registryWrites).toBe(1);
    expect(report.registryEntries).toBe(11);
    expect(
      lines.some(
        (line) => line.includes('refresh failed, still serving the stale map') && line.includes('503'),
      ),
    ).toBe(true);
  });
});

describe('the mcp-host command line', () => {
  it('prints help with an example for every command', async () => {
    const { stdout } = await run(process.execPath, [cli, '--help']);
    expect(stdout).toContain('Usage: mcp-host <command>');
    expect(stdout).toContain('mcp-host demo');
  });

  it('rejects an unknown command with exit code 2 and a hint', async () => {
    const failure = await run(process.execPath, [cli, 'serve-everything']).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain('unknown command "serve-everything"');
  });

  it('rejects a bad --interval-ms naming the flag', async () => {
    const failure = await run(process.execPath, [cli, 'demo', '--interval-ms', 'soon']).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain('--interval-ms');
  });
});
