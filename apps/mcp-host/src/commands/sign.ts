import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { signServiceMap, unsignedServiceMapPayloadSchema } from '@cortex-mcp/service-map-loader';
import { loadHostConfig } from '../config/index.js';
import { HostConfigError } from '../settings/index.js';
import {
  type CommandEnv,
  type CommandIo,
  EXIT_FAILURE,
  EXIT_OK,
  messageOf,
  reportFailure,
} from './command.js';
import { expectPositionals, parseCommandLine } from './command-line.js';
import { describeIssues } from './format.js';

const USAGE = 'mcp-host sign <manifest.json> [--out <file>]';

/**
 * `mcp-host sign <manifest.json> [--out <file>]`: validates an unsigned service map, signs it with the first
 * configured signature key and writes the signed JSON to `--out` or stdout.
 *
 * @throws HostConfigError for a bad command line or configuration (no signing key).
 */
export async function runSign(argv: readonly string[], io: CommandIo, env: CommandEnv): Promise<number> {
  const line = parseCommandLine('sign', argv, { out: { type: 'string', expects: 'a file path' } });
  expectPositionals(line.positionals, ['<manifest.json>'], USAGE);
  const config = loadHostConfig({ argv: line.configArgv, env, command: 'sign' });
  const key = config.signatureKeys[0];
  if (key === undefined) {
    throw new HostConfigError(
      'missing_value',
      'No signing key: set CONNECTORS_SIGNATURE_KEY (or "signatureKeys" in the config file); the first key signs.',
      { setting: 'signatureKeys' },
    );
  }
  const manifestPath = path.resolve(line.positionals[0] as string);
  const manifest = await readManifest(manifestPath, io);
  if (manifest === undefined) return EXIT_FAILURE;
  warnIfExpired(manifest, io);
  // Signed as parsed, never as zod's output: the signature must cover members this version does not know.
  const signed = signServiceMap(manifest, key);
  const text = `${JSON.stringify(signed, null, 2)}\n`;
  const out = line.values.out as string | undefined;
  if (out === undefined) {
    io.stdout.write(text);
    return EXIT_OK;
  }
  const outPath = path.resolve(out);
  try {
    await writeFile(outPath, text);
  } catch (error) {
    reportFailure(io, 'sign', `cannot write ${outPath}: ${codeOrMessage(error)}.`);
    return EXIT_FAILURE;
  }
  const count = (manifest as { connectors: unknown[] }).connectors.length;
  io.stderr.write(`Signed service map ${String(manifest.id)} (${count} connectors) into ${outPath}\n`);
  return EXIT_OK;
}

async function readManifest(
  manifestPath: string,
  io: CommandIo,
): Promise<Record<string, unknown> | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (error) {
    const what =
      error instanceof SyntaxError
        ? `is not valid JSON (${error.message})`
        : `cannot be read (${codeOrMessage(error)})`;
    reportFailure(io, 'sign', `${manifestPath} ${what}.`);
    return undefined;
  }
  const checked = unsignedServiceMapPayloadSchema.safeParse(parsed);
  if (!checked.success) {
    reportFailure(
      io,
      'sign',
      `${manifestPath} is not a service map: ${describeIssues(checked.error)}. Fix the manifest.`,
    );
    return undefined;
  }
  return parsed as Record<string, unknown>;
}

function warnIfExpired(manifest: Record<string, unknown>, io: CommandIo): void {
  const expiresAtMs = Date.parse(String(manifest.generatedAt)) + Number(manifest.ttlSeconds) * 1000;
  if (expiresAtMs > Date.now()) return;
  reportFailure(
    io,
    'sign',
    `warning: this map expired at ${new Date(expiresAtMs).toISOString()} (generatedAt + ttlSeconds); hosts will treat it as stale. Update generatedAt.`,
  );
}

function codeOrMessage(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : messageOf(error);
}
