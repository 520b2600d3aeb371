import { Agent, request } from 'undici';
import type { HostStatus } from '../../status/index.js';
import { messageOf } from '../command.js';
import { printableUrl } from '../format.js';

/**
 * Why no status document was obtained:
 * - `unreachable`: nothing answered (refused, unknown host, timeout).
 * - `http`: something answered, but not 200.
 * - `not_status`: a 200 that is not an mcp-host status document.
 */
export type StatusFetchErrorCode = 'unreachable' | 'http' | 'not_status';

/** The one error of {@link fetchHostStatus}; the message names the URL (redacted) and what to do. */
export class StatusFetchError extends Error {
  override readonly name = 'StatusFetchError';
  readonly code: StatusFetchErrorCode;

  constructor(code: StatusFetchErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

/** Largest status document read, in bytes: a host with thousands of connectors stays far below. */
const MAX_STATUS_BYTES = 16 * 1024 * 1024;

/**
 * GETs `statusUrl` and returns the parsed document and its raw text.
 *
 * @throws StatusFetchError when no host answers, the answer is not 200, or it is not a status document.
 */
export async function fetchHostStatus(
  statusUrl: string,
  timeoutMs: number,
): Promise<{ status: HostStatus; text: string }> {
  const shown = printableUrl(statusUrl);
  const agent = new Agent({ connectTimeout: timeoutMs, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  let statusCode: number;
  let text: string;
  try {
    const response = await request(statusUrl, {
      method: 'GET',
      dispatcher: agent,
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    statusCode = response.statusCode;
    text = await readLimited(response.body);
  } catch (error) {
    throw new StatusFetchError(
      'unreachable',
      `No mcp-host answers at ${shown} (${reasonOf(error)}). Start one with "mcp-host serve", or pass --url with the address of a running host.`,
      { cause: error },
    );
  } finally {
    await agent.close();
  }
  if (statusCode !== 200) {
    const hint =
      statusCode === 403 || statusCode === 421
        ? ' The host refused the Host header: use the address it listens on, or add it to MCP_HOST_ALLOWED_HOSTS.'
        : ' Is this the address of an mcp-host?';
    throw new StatusFetchError('http', `${shown} answered HTTP ${statusCode}.${hint}`);
  }
  const status = parseStatus(text);
  if (status === undefined) {
    throw new StatusFetchError(
      'not_status',
      `${shown} answered, but not with an mcp-host status document. Is this the address of an mcp-host?`,
    );
  }
  return { status, text };
}

async function readLimited(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_STATUS_BYTES) throw new Error(`the answer is larger than ${MAX_STATUS_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseStatus(text: string): HostStatus | undefined {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return undefined;
  }
  const candidate = document as Partial<HostStatus> | null;
  const looksRight =
    candidate !== null &&
    typeof candidate === 'object' &&
    typeof candidate.version === 'string' &&
    typeof candidate.map === 'object' &&
    candidate.map !== null &&
    Array.isArray(candidate.connectors);
  return looksRight ? (document as HostStatus) : undefined;
}

function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const causeCode = (error as { cause?: { code?: unknown } }).cause?.code;
  return typeof causeCode === 'string' ? causeCode : messageOf(error);
}
