// The results table and summary lines on stdout, and results.json on disk.

import { writeFile } from 'node:fs/promises';
import { countColumn, directCell, throughHostCell } from './verdict.mjs';

/** A Markdown table, `scenario | direct | through host`, in the suite's list order: readable in CI logs, pasteable. */
export function formatTable(rows, expected) {
  const table = [
    ['scenario', 'direct', 'through host'],
    ...rows.map((row) => [row.scenario, directCell(row), throughHostCell(row, expected)]),
  ];
  const widths = [0, 1, 2].map((column) => Math.max(...table.map((cells) => cells[column].length)));
  const line = (cells) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  const rule = `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`;
  return [line(table[0]), rule, ...table.slice(1).map(line)].join('\n');
}

/** "N passed, N failed" for a column, in the form CI output readers look for. */
export function summaryLine(rows, column, label = 'conformance') {
  const { passed, failed } = countColumn(rows, column);
  return `${label}: ${passed} passed, ${failed} failed`;
}

/**
 * The closing lines. The last one, `conformance: N passed, N failed`, counts the through-host column (the direct
 * column when the host was not run); CI greps it. A line for the direct column and one for the expected
 * failures come before it.
 */
export function summaryLines(rows, expected) {
  const ranDirect = rows.some((row) => row.direct);
  const ranHost = rows.some((row) => row.throughHost);
  const lines = [];
  if (ranDirect) lines.push(summaryLine(rows, 'direct', 'conformance (direct, the fixture alone)'));
  if (ranHost) {
    const failed = rows.filter((row) => row.throughHost?.status === 'fail');
    const expectedCount = failed.filter((row) => expected.has(row.scenario)).length;
    lines.push(
      `conformance (through the host): ${expectedCount} of ${failed.length} failures expected (expected-failures.json)`,
    );
  }
  lines.push(summaryLine(rows, ranHost ? 'throughHost' : 'direct'));
  return lines;
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
