import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import { describe, expect, it } from 'vitest';
import { LazyJsonSchemaValidator } from '../src/lazy-schema-validator.js';

describe('LazyJsonSchemaValidator', () => {
  it('builds the real validator only when a schema is first used, and only once', () => {
    let built = 0;
    const lazy = new LazyJsonSchemaValidator(() => {
      built += 1;
      return {
        getValidator: () => (input: unknown) => ({ valid: true, data: input, errorMessage: undefined }),
      } as jsonSchemaValidator;
    });
    expect(built).toBe(0);
    lazy.getValidator({ type: 'object' });
    lazy.getValidator({ type: 'string' });
    expect(built).toBe(1);
  });

  it('validates with the SDK default (Ajv, formats included) once used', () => {
    const check = new LazyJsonSchemaValidator().getValidator<{ when: string }>({
      type: 'object',
      properties: { when: { type: 'string', format: 'date-time' } },
      required: ['when'],
    });
    expect(check({ when: '2026-11-25T10:00:00Z' }).valid).toBe(true);
    const bad = check({ when: 'yesterday' });
    expect(bad.valid).toBe(false);
    expect(bad.errorMessage).toMatch(/format|date-time/);
  });
});
