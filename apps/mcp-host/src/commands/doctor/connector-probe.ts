import { ConnectorProxyError, RemoteToolProxy } from '@cortex-mcp/connector-proxy';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Dispatcher } from 'undici';
import type { ConnectorSpec } from '../../connectors/index.js';
import { describeFailure } from '../../errors.js';

/** What probing one connector needs. */
export interface ProbeDeps {
  /** The request pool (POST, DELETE) and the event-stream pool of the host's upstream pool. */
  readonly dispatcher: Dispatcher;
  readonly streamDispatcher: Dispatcher;
  /** `CONNECTORS_API_KEY`, for connectors whose auth needs it. */
  readonly apiKey: string | undefined;
  /** Upper bound on the handshake and on listing the tools, in ms (a shorter per-connector timeout wins). */
  readonly timeoutMs: number;
  /** Sent as `clientInfo.version`. */
  readonly version: string;
  readonly clock: () => number;
}

/** A probe that connected: what transport was used, the MCP protocol version the server chose, the tool count. */
export interface ProbeSuccess {
  readonly ok: true;
  readonly transport: string;
  /** Undefined only when the server never revealed it (an HTTP transport that sent no request after initialize). */
  readonly protocolVersion: string | undefined;
  readonly toolCount: number;
  readonly durationMs: number;
}

/** A probe that failed: the connector-proxy's error code (or `error`) and its secret-free message. */
export interface ProbeFailure {
  readonly ok: false;
  readonly code: string;
  readonly message: string;
  readonly durationMs: number;
}

const CLIENT_NAME = 'cortex-mcp-host-doctor';
const PROTOCOL_HEADER = 'mcp-protocol-version';

/**
 * Connects to one connector the way the host does, lists its tools and disconnects. HTTP connectors go through the
 * real `RemoteToolProxy` on the host's upstream pool (egress policy, auth, `auto` fallback included); the negotiated
 * protocol version is read from the `mcp-protocol-version` header the client sends after `initialize`. stdio
 * connectors are started with the SDK client, whose transport is told the negotiated version.
 */
export async function probeConnector(
  spec: ConnectorSpec,
  deps: ProbeDeps,
): Promise<ProbeSuccess | ProbeFailure> {
  const startedAtMs = deps.clock();
  const timeoutMs = Math.min(spec.connectTimeoutMs, deps.timeoutMs);
  try {
    const found =
      spec.transport === 'stdio'
        ? await probeStdio(spec, deps, timeoutMs)
        : await probeHttp(spec, deps, timeoutMs);
    return { ok: true, ...found, durationMs: deps.clock() - startedAtMs };
  } catch (error) {
    const code = error instanceof ConnectorProxyError ? error.code : 'error';
    return { ok: false, code, message: conciseFailure(error), durationMs: deps.clock() - startedAtMs };
  }
}

/**
 * The failure's first sentence (what happened; the report adds its own fix instead of the proxy's generic advice),
 * plus the underlying cause when the sentence does not already name it.
 */
function conciseFailure(error: unknown): string {
  if (!(error instanceof Error)) return describeFailure(error);
  const first = error.message.split(/(?<=\.)\s+(?=[A-Z])/)[0] ?? error.message;
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause === undefined || first.includes(cause) ? first : `${first} (${cause})`;
}

type Found = Omit<ProbeSuccess, 'ok' | 'durationMs'>;

async function probeHttp(spec: ConnectorSpec, deps: ProbeDeps, timeoutMs: number): Promise<Found> {
  let protocolVersion: string | undefined;
  const recording = deps.dispatcher.compose((dispatch) => (options, handler) => {
    protocolVersion = headerValue(options.headers, PROTOCOL_HEADER) ?? protocolVersion;
    return dispatch(options, handler);
  });
  const proxy = new RemoteToolProxy({
    id: spec.id,
    transport: spec.transport,
    url: spec.url,
    auth: spec.auth ? { ...spec.auth, key: deps.apiKey } : undefined,
    headers: spec.headers ? { ...spec.headers } : undefined,
    dispatcher: recording,
    streamDispatcher: deps.streamDispatcher,
    connectTimeoutMs: timeoutMs,
    callTimeoutMs: timeoutMs,
    clientInfo: { name: CLIENT_NAME, version: deps.version },
  });
  try {
    await proxy.connect();
    const tools = await proxy.getTools();
    return { transport: proxy.activeTransport ?? spec.transport, protocolVersion, toolCount: tools.length };
  } finally {
    await proxy.disconnect();
  }
}

async function probeStdio(spec: ConnectorSpec, deps: ProbeDeps, timeoutMs: number): Promise<Found> {
  if (spec.command === undefined) throw new Error(`Connector "${spec.id}" has no command to run.`);
  const transport = new StdioClientTransport({
    command: spec.command,
    args: spec.args ? [...spec.args] : undefined,
    env: { ...getDefaultEnvironment(), ...spec.env },
    cwd: spec.cwd,
    // The child's stderr is its own log; the doctor's output stays its report.
    stderr: 'ignore',
  });
  let protocolVersion: string | undefined;
  // The SDK client hands the negotiated version to transports that take it (the HTTP ones); stdio's does not.
  (transport as { setProtocolVersion?: (version: string) => void }).setProtocolVersion = (version) => {
    protocolVersion = version;
  };
  const client = new Client({ name: CLIENT_NAME, version: deps.version });
  try {
    await client.connect(transport, { timeout: timeoutMs });
    let toolCount = 0;
    let cursor: string | undefined;
    // Bounded: a server that keeps returning cursors is not listed forever.
    for (let page = 0; page < 100; page++) {
      const result = await client.listTools(cursor === undefined ? {} : { cursor }, { timeout: timeoutMs });
      toolCount += result.tools.length;
      cursor = result.nextCursor;
      if (cursor === undefined) break;
    }
    return { transport: 'stdio', protocolVersion, toolCount };
  } finally {
    await client.close();
  }
}

/** One request header from undici's dispatch options, whatever form they take (object, flat array, pairs). */
export function headerValue(
  headers: Dispatcher.DispatchOptions['headers'],
  name: string,
): string | undefined {
  if (headers === null || headers === undefined) return undefined;
  if (Array.isArray(headers)) {
    if (headers.length > 0 && typeof headers[0] === 'string') {
      for (let index = 0; index + 1 < headers.length; index += 2) {
        if (String(headers[index]).toLowerCase() === name) return String(headers[index + 1]);
      }
      return undefined;
    }
  }
  if (Symbol.iterator in Object(headers) && !isPlainRecord(headers)) {
    for (const [key, value] of headers as Iterable<[string, string | string[] | undefined]>) {
      if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
    }
    return undefined;
  }
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? String(value[0]) : String(value);
  }
  return undefined;
}

function isPlainRecord(value: unknown): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
