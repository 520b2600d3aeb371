import { describe, expect, it } from 'vitest';
import {
  formatFigure,
  formatNumber,
  renderMarkdownTable,
  renderTable,
  TABLE_HEADERS,
  tableCells,
} from '../lib/table.mjs';

describe('table', () => {
  it('formats numbers to about three significant digits', () => {
    expect(formatNumber(1523.4)).toBe('1523');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(1.2345)).toBe('1.23');
    expect(formatNumber(0.31234)).toBe('0.312');
    expect(formatNumber(Number.NaN)).toBe('—');
  });

  it('shows a figure as median with its range, and a single run without one', () => {
    expect(formatFigure({ median: 1500, min: 1480, max: 1620, runs: 3, unit: 'ms' })).toBe(
      '1500 ms (1480–1620)',
    );
    expect(formatFigure({ median: 6, min: 6, max: 6, runs: 1, unit: 'handshakes' })).toBe('6 handshakes');
    expect(formatFigure(null)).toBe('—');
  });

  it('marks met, missed and unmeasured rows distinctly', () => {
    const base = { scenario: '1', metric: 'm', baseline: null, ours: null, ratio: null, target: 't' };
    const cells = tableCells([
      { ...base, met: true },
      { ...base, met: false },
      { ...base, met: null, note: 'not measured yet: slot' },
    ]);
    expect(cells.map((row) => row[6])).toEqual(['yes', 'NO', 'n/m']);
    expect(cells[2]?.[1]).toBe('m [not measured yet: slot]');
  });

  it('aligns columns under a dashed header rule', () => {
    const text = renderTable(
      ['a', 'bb'],
      [
        ['long cell', 'x'],
        ['y', 'z'],
      ],
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('a          bb');
    expect(lines[1]).toBe('---------  --');
    expect(lines[2]).toBe('long cell  x');
    expect(lines[3]).toBe('y          z');
  });

  it('renders Markdown with escaped pipes and the standard headers', () => {
    const text = renderMarkdownTable(TABLE_HEADERS, [['a|b', '', '', '', '', '', '']]);
    expect(text.split('\n')[0]).toBe('| scenario | metric | baseline | ours | ratio | target | met? |');
    expect(text).toContain('a\\|b');
  });
});
