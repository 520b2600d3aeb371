// The results table on stdout and results.json on disk.

import { writeFile } from 'node:fs/promises';

/** A plain-text table, readable in a terminal and in CI logs. */
export function formatTable(results) {
  const rows = [
    ['scenario', 'result', 'notes'],
    ...results.map((r) => [r.scenario, r.status.toUpperCase(), r.notes]),
  ];
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row) => `${row[0].padEnd(widths[0])}  ${row[1].padEnd(widths[1])}  ${row[2]}`.trimEnd();
  return [
    line(rows[0]),
    line(['-'.repeat(widths[0]), '-'.repeat(widths[1]), '-----']),
    ...rows.slice(1).map(line),
  ].join('\n');
}

/** The closing line, in the "N passed, N failed" form CI output readers look for. */
export function summaryLine(results) {
  const passed = results.filter((r) => r.status === 'pass').length;
  return `conformance: ${passed} passed, ${results.length - passed} failed`;
}

/** The workspace formatter's line width (biome.json): results.json is written as biome would, so a copy kept in the repo passes `biome ci`. */
const LINE_WIDTH = 110;

/**
 * JSON.stringify with two-space indents, except that an array of primitives that fits on its line is written on
 * one line, as the workspace formatter (biome) writes it. Objects stay expanded, as biome keeps them.
 */
export function formatJson(value, indent = '', prefixLength = 0) {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((item) => item === null || typeof item !== 'object')) {
      const inline = `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
      if (indent.length + prefixLength + inline.length + 1 <= LINE_WIDTH) return inline;
    }
    const inner = `${indent}  `;
    return `[\n${value.map((item) => inner + formatJson(item, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (entries.length === 0) return '{}';
    const inner = `${indent}  `;
    const lines = entries.map(([key, item]) => {
      const prefix = `${JSON.stringify(key)}: `;
      return `${inner}${prefix}${formatJson(item, inner, prefix.length)}`;
    });
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export async function writeResults(path, report) {
  await writeFile(path, `${formatJson(report)}\n`);
}
