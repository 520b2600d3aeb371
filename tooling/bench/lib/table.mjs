// Plain-text table of the results: scenario, metric, baseline, ours, ratio, target, met?

/** @typedef {import('./stats.mjs').Figure} Figure */

/**
 * @typedef {object} ResultRow
 * @property {string} scenario   e.g. "1 cold-start sync"
 * @property {string} metric     what was measured
 * @property {Figure | null} baseline
 * @property {Figure | null} ours
 * @property {number | null} ratio ours / baseline (or the ratio the target is about)
 * @property {string} target     the target in words ("ratio ≤ 0.32"); "" when there is none
 * @property {boolean | null} met null: no target, or not measured
 * @property {string} [note]     e.g. "not measured: <reason>"
 */

export const TABLE_HEADERS = ['scenario', 'metric', 'baseline', 'ours', 'ratio', 'target', 'met?'];

/**
 * A number with about three significant digits, without exponent for the sizes the bench sees.
 * @param {number} value
 */
export function formatNumber(value) {
  if (!Number.isFinite(value)) return '—';
  const magnitude = Math.abs(value);
  if (magnitude >= 100 || Number.isInteger(value)) return String(Math.round(value));
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

/**
 * "1520 ms (1503–1544)": the median and its spread over runs; one run shows no range.
 * @param {Figure | null} value
 */
export function formatFigure(value) {
  if (!value) return '—';
  const unit = value.unit ? ` ${value.unit}` : '';
  if (value.runs <= 1 || value.min === value.max) return `${formatNumber(value.median)}${unit}`;
  return `${formatNumber(value.median)}${unit} (${formatNumber(value.min)}–${formatNumber(value.max)})`;
}

/** @param {boolean | null} met @param {string | undefined} note */
function formatMet(met, note) {
  if (met === true) return 'yes';
  if (met === false) return 'NO';
  return note?.startsWith('not measured') ? 'n/m' : '—';
}

/**
 * The rows as table cells (strings).
 * @param {readonly ResultRow[]} rows
 * @returns {string[][]}
 */
export function tableCells(rows) {
  return rows.map((row) => [
    row.scenario,
    row.note ? `${row.metric} [${row.note}]` : row.metric,
    formatFigure(row.baseline),
    formatFigure(row.ours),
    row.ratio === null ? '—' : formatNumber(row.ratio),
    row.target || '—',
    formatMet(row.met, row.note),
  ]);
}

/**
 * Left-aligned columns separated by two spaces, with a dashed rule under the header.
 * @param {readonly string[]} headers
 * @param {readonly (readonly string[])[]} cells
 */
export function renderTable(headers, cells) {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...cells.map((row) => (row[column] ?? '').length)),
  );
  const line = (/** @type {readonly string[]} */ row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}

/**
 * The same table as Markdown (for the README).
 * @param {readonly string[]} headers
 * @param {readonly (readonly string[])[]} cells
 */
export function renderMarkdownTable(headers, cells) {
  const escapeCell = (/** @type {string} */ cell) => cell.replaceAll('|', '\\|');
  return [
    `| ${headers.map(escapeCell).join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...cells.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ].join('\n');
}
