import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseRegistryText, type ServerInfo } from '@cortex-mcp/registry-fs-store';
import { check, type DoctorCheck } from './check.js';

/** The registry check and the servers it holds (empty when it has none or cannot be read). */
export interface RegistryCheckResult {
  readonly check: DoctorCheck;
  readonly servers: readonly ServerInfo[];
}

const NAME = 'registry file';

/**
 * Inspects the registry file without changing it (unlike the host, which moves a damaged file aside): exists, is
 * a file, readable, valid JSON in a known format, every entry valid, owner-only permissions (it may hold tokens),
 * writable. A missing file is fine (no user-added servers); a read-only one works but cannot be edited.
 */
export async function checkRegistryFile(registryPath: string): Promise<RegistryCheckResult> {
  let mode: number;
  try {
    const info = await stat(registryPath);
    if (!info.isFile()) {
      return failed(`${registryPath} is not a file`, `Remove it or set MCP_REGISTRY_PATH to a file path.`);
    }
    mode = info.mode & 0o777;
  } catch (error) {
    if (codeOf(error) === 'ENOENT') {
      return {
        check: check('registry', NAME, 'ok', `none at ${registryPath} (no user-added servers)`),
        servers: [],
      };
    }
    return failed(`cannot inspect ${registryPath} (${codeOf(error)})`, permissionFix(registryPath));
  }
  let text: string;
  try {
    text = await readFile(registryPath, 'utf8');
  } catch (error) {
    return failed(`cannot read ${registryPath} (${codeOf(error)})`, permissionFix(registryPath));
  }
  const parsed = parseRegistryText(text);
  if (parsed.kind === 'unsupported_version') {
    return failed(
      `${registryPath} has format version ${parsed.version}, newer than this host reads`,
      'Upgrade mcp-host, or point MCP_REGISTRY_PATH at a file this version wrote.',
    );
  }
  if (parsed.kind === 'corrupt') {
    return failed(`${registryPath}: ${parsed.problem.message}`, await corruptFix(registryPath));
  }
  const notes = [`${parsed.servers.length} server(s) in ${registryPath}`];
  const warnings: string[] = [];
  const fixes: string[] = [];
  if (parsed.problems.length > 0) {
    warnings.push(
      `${parsed.problems.length} entry problem(s): ${parsed.problems.map((p) => p.message).join('; ')}`,
    );
    fixes.push('Fix or remove the entries named (mcp-host servers add --replace rewrites one).');
  }
  if ((mode & 0o077) !== 0) {
    warnings.push(`readable by other users (mode ${mode.toString(8)}); it may hold tokens`);
    fixes.push(`chmod 600 ${registryPath}`);
  }
  if (!(await isWritable(registryPath))) {
    warnings.push('read-only: the host serves it, but "mcp-host servers add/remove" cannot change it');
    fixes.push('Make the file and its folder writable by this user if you want to edit it with mcp-host.');
  }
  const status = warnings.length === 0 ? 'ok' : 'warn';
  const detail = [...notes, ...warnings].join('; ');
  return {
    check: check('registry', NAME, status, detail, fixes.length === 0 ? {} : { fix: fixes.join(' ') }),
    servers: parsed.servers,
  };
}

function failed(detail: string, fix: string): RegistryCheckResult {
  return { check: check('registry', NAME, 'fail', detail, { fix }), servers: [] };
}

function permissionFix(registryPath: string): string {
  return `Let the host's user read ${registryPath} (chmod 600, owned by that user), or set MCP_REGISTRY_PATH.`;
}

async function corruptFix(registryPath: string): Promise<string> {
  const backup = `${registryPath}.bak`;
  const hasBackup = await access(backup, constants.R_OK).then(
    () => true,
    () => false,
  );
  return hasBackup
    ? `Repair the JSON by hand, or let the host move it aside and restore ${path.basename(backup)} (run "mcp-host servers list").`
    : 'Repair the JSON by hand, or move the file aside and add the servers again with "mcp-host servers add".';
}

/** Writes go through a temp file in the same folder and a rename: both the file and its folder must be writable. */
async function isWritable(registryPath: string): Promise<boolean> {
  try {
    await access(registryPath, constants.W_OK);
    await access(path.dirname(registryPath), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : String(error);
}
