import { describe, expect, it } from 'vitest';
import { rewritePromptResult, rewriteReadResult, rewriteToolResult } from '../../../src/server/mcp/index.js';

const toPublic = (uri: string) => `notes+${uri}`;

describe('URIs in upstream answers are rewritten to the URIs the host hands out', () => {
  it('rewrites resource_link and embedded resource items of a tool result, and keeps everything else', () => {
    const result = {
      content: [
        { type: 'text', text: 'see the files' },
        { type: 'resource_link', uri: 'file:///a.txt', name: 'a', _meta: { k: 1 } },
        { type: 'resource', resource: { uri: 'file:///b.txt', text: 'b', mimeType: 'text/plain' } },
      ],
      structuredContent: { count: 2 },
      _meta: { trace: 'x' },
    };
    expect(rewriteToolResult(result, toPublic)).toEqual({
      content: [
        { type: 'text', text: 'see the files' },
        { type: 'resource_link', uri: 'notes+file:///a.txt', name: 'a', _meta: { k: 1 } },
        { type: 'resource', resource: { uri: 'notes+file:///b.txt', text: 'b', mimeType: 'text/plain' } },
      ],
      structuredContent: { count: 2 },
      _meta: { trace: 'x' },
    });
    expect(result.content[1]).toEqual({
      type: 'resource_link',
      uri: 'file:///a.txt',
      name: 'a',
      _meta: { k: 1 },
    });
  });

  it('returns the same object when nothing changes (no copy on the hot path)', () => {
    const textOnly = { content: [{ type: 'text', text: 'hi' }] };
    expect(rewriteToolResult(textOnly, toPublic)).toBe(textOnly);
    const unchanged = { content: [{ type: 'resource_link', uri: 'file:///a', name: 'a' }] };
    expect(rewriteToolResult(unchanged, (uri) => uri)).toBe(unchanged);
  });

  it('rewrites the content of prompt messages', () => {
    const result = {
      description: 'd',
      messages: [
        { role: 'user', content: { type: 'text', text: 'read this' } },
        { role: 'user', content: { type: 'resource', resource: { uri: 'file:///c', text: 'c' } } },
      ],
    };
    const rewritten = rewritePromptResult(result, toPublic);
    expect(rewritten.messages[0]).toBe(result.messages[0]);
    expect(rewritten.messages[1]).toEqual({
      role: 'user',
      content: { type: 'resource', resource: { uri: 'notes+file:///c', text: 'c' } },
    });
  });

  it('rewrites the uri of each content of a read', () => {
    const result = {
      contents: [
        { uri: 'file:///a', text: 'a' },
        { uri: 'file:///a#2', blob: 'AA==' },
      ],
    };
    expect(rewriteReadResult(result, toPublic)).toEqual({
      contents: [
        { uri: 'notes+file:///a', text: 'a' },
        { uri: 'notes+file:///a#2', blob: 'AA==' },
      ],
    });
  });

  it('leaves malformed answers alone instead of throwing', () => {
    expect(rewriteToolResult(null, toPublic)).toBe(null);
    const odd = { content: [null, 7, { type: 'resource', resource: null }] };
    expect(rewriteToolResult(odd, toPublic)).toBe(odd);
    const noMessages = { messages: 'x' };
    expect(rewritePromptResult(noMessages, toPublic)).toBe(noMessages);
  });
});
