import { describe, expect, it } from 'vitest';
import { composeInstructions } from '../../../src/server/mcp/index.js';

describe('the instructions of initialize are composed from the upstreams', () => {
  it('puts each connector’s instructions under its name, in the order given', () => {
    const text = composeInstructions(
      [
        { connectorId: 'calendar', instructions: 'Times are UTC.' },
        { connectorId: 'notes', instructions: 'Search before you create a note.' },
      ],
      16_384,
    );
    expect(text).toContain('## calendar\nTimes are UTC.\n');
    expect(text).toContain('## notes\nSearch before you create a note.\n');
    expect(text?.indexOf('## calendar')).toBeLessThan(text?.indexOf('## notes') ?? -1);
  });

  it('stays within the byte budget, each connector cut to its share and marked with …', () => {
    const long = 'é'.repeat(5000);
    const text = composeInstructions(
      [
        { connectorId: 'a', instructions: long },
        { connectorId: 'b', instructions: 'short' },
      ],
      2048,
    );
    expect(Buffer.byteLength(text ?? '')).toBeLessThanOrEqual(2048);
    expect(text).toContain('…');
    expect(text).toContain('## b\nshort\n');
    expect(text).not.toContain('\uFFFD');
  });

  it('says nothing without instructions or without a budget', () => {
    expect(composeInstructions([], 16_384)).toBeUndefined();
    expect(composeInstructions([{ connectorId: 'a', instructions: '   ' }], 16_384)).toBeUndefined();
    expect(composeInstructions([{ connectorId: 'a', instructions: 'x' }], 0)).toBeUndefined();
  });
});
