import { describe, expect, it } from 'vitest';
import { placeholder } from '../src/index.js';

describe('placeholder', () => {
  it('exists', () => {
    expect(placeholder).toBeTypeOf('string');
  });
});
