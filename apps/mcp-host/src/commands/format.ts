import type { z } from 'zod';
import { redactUrl } from '../redact-url.js';

const MAX_ISSUES = 3;

/** Up to three zod issues as "path: message" parts on one line. */
export function describeIssues(error: z.ZodError): string {
  const parts = error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const where = issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
    return `${where}: ${issue.message}`;
  });
  const more = error.issues.length > MAX_ISSUES ? ` (and ${error.issues.length - MAX_ISSUES} more)` : '';
  return `${parts.join('; ')}${more}`;
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const render = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[headers, ...rows].map(render).join('\n')}\n`;
}

/** "  label   value" lines, labels padded to one width. */
export function formatFields(fields: readonly (readonly [string, string])[]): string {
  const width = Math.max(...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `  ${label.padEnd(width)}  ${value}\n`).join('');
}

/** A URL safe to print: no userinfo; a query string or fragment is shown as "?…" / "#…". */
export function printableUrl(value: string): string {
  return redactUrl(value, { markRemoved: true });
}

/** "4 min 59 s", "2 h 3 min", "12 s": a short human duration. */
export function formatDuration(durationMs: number): string {
  const seconds = Math.round(Math.abs(durationMs) / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is replaced.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/** Text from a remote document made safe for a terminal: control characters (escape sequences) become "?". */
export function printable(value: unknown): string {
  return String(value).replace(CONTROL_CHARACTERS, '?');
}
