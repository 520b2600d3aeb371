import type { ConnectorStatus, HostStatus, MapStatus } from '../../status/index.js';
import { formatDuration, formatTable, printable } from '../format.js';

const MAX_ERROR_LENGTH = 120;

/**
 * A running host's `/status` for people: a headline (version, readiness, uptime), the map, one line per connector
 * (state, transport, what it serves, last error), the registry version and the last sync. Every remote text is made safe for
 * a terminal.
 */
export function formatHostStatus(status: HostStatus, shownUrl: string, nowMs: number): string {
  const lines = [
    `mcp-host ${printable(status.version)} at ${shownUrl}: ${status.ready ? 'ready' : 'NOT READY'}, up ${formatDuration(nowMs - status.startedAtMs)}`,
    ...mapLines(status.map, nowMs),
    connectorsHeadline(status.connectors),
  ];
  const table = connectorTable(status.connectors, nowMs);
  const sync = status.lastSync;
  const tail = [
    `registry    version ${status.registry.version}, ${itemCounts(status.registry)}`,
    sync === null
      ? 'last sync   none yet'
      : `last sync   ${printable(sync.reason)} ${ago(sync.startedAtMs, nowMs)}: ${sync.connectorCount} connector(s), ${sync.failed} failed, took ${sync.durationMs} ms`,
  ];
  return `${lines.join('\n')}\n${table}${tail.join('\n')}\n`;
}

function mapLines(map: MapStatus, nowMs: number): string[] {
  if (map.freshness === 'empty') {
    const why = map.url === null ? 'no service map configured' : `none held yet from ${printable(map.url)}`;
    return [`map         ${why}`, ...mapError(map, nowMs)];
  }
  const expiry =
    map.expiresAtMs === null
      ? ''
      : map.expiresAtMs > nowMs
        ? `, expires in ${formatDuration(map.expiresAtMs - nowMs)}`
        : `, expired ${formatDuration(nowMs - map.expiresAtMs)} ago`;
  const refreshed = map.lastRefreshAtMs === null ? '' : `, refreshed ${ago(map.lastRefreshAtMs, nowMs)}`;
  return [
    `map         ${printable(map.id ?? '?')} ${map.freshness}${expiry} (from ${map.source})${refreshed}`,
    ...mapError(map, nowMs),
  ];
}

function mapError(map: MapStatus, nowMs: number): string[] {
  if (map.lastError === null) return [];
  const { code, message, atMs } = map.lastError;
  return [
    `            last error ${ago(atMs, nowMs)}: ${shorten(printable(message))} (code ${printable(code)})`,
  ];
}

const STATE_ORDER: readonly ConnectorStatus['state'][] = ['up', 'connecting', 'down', 'disabled'];

function connectorsHeadline(connectors: readonly ConnectorStatus[]): string {
  const counts = STATE_ORDER.map(
    (state) => [state, connectors.filter((c) => c.state === state).length] as const,
  )
    .filter(([, count]) => count > 0)
    .map(([state, count]) => `${count} ${state}`)
    .join(', ');
  return `connectors  ${connectors.length}${counts === '' ? '' : ` (${counts})`}`;
}

function connectorTable(connectors: readonly ConnectorStatus[], nowMs: number): string {
  if (connectors.length === 0) return '';
  const rows = connectors.map((connector) => [
    `  ${printable(connector.id)}`,
    connector.state,
    printable(connector.transport),
    itemCounts(connector),
    connector.lastError === null
      ? ''
      : `last error ${ago(connector.lastError.atMs, nowMs)}: ${shorten(printable(connector.lastError.message))}`,
  ]);
  return formatTable(['  ID', 'STATE', 'TRANSPORT', 'SERVES', 'LAST ERROR'], rows);
}

/** `3 tool(s), 2 resource(s), 1 template(s), 1 prompt(s)`; kinds with none are left out (tools always shown). */
function itemCounts(counts: {
  readonly toolCount: number;
  readonly resourceCount?: number;
  readonly resourceTemplateCount?: number;
  readonly promptCount?: number;
}): string {
  const parts = [`${counts.toolCount} tool(s)`];
  if (counts.resourceCount) parts.push(`${counts.resourceCount} resource(s)`);
  if (counts.resourceTemplateCount) parts.push(`${counts.resourceTemplateCount} template(s)`);
  if (counts.promptCount) parts.push(`${counts.promptCount} prompt(s)`);
  return parts.join(', ');
}

function ago(atMs: number, nowMs: number): string {
  return `${formatDuration(Math.max(0, nowMs - atMs))} ago`;
}

function shorten(text: string): string {
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}
