import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isValidMcpToolName, publicToolName, toMcpToolName } from '../src/index.js';

const hash8 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 8);

describe('toMcpToolName', () => {
  it('returns valid names unchanged, dots and dashes included', () => {
    for (const name of ['search', 'a.b-c_D9', '.hidden..name.', 'x'.repeat(64)]) {
      expect(toMcpToolName(name)).toBe(name);
    }
  });

  it('replaces each disallowed character with _ and appends the hash of the original', () => {
    expect(toMcpToolName('search docs')).toBe(`search_docs_${hash8('search docs')}`);
    expect(toMcpToolName('ns/tool:v2')).toBe(`ns_tool_v2_${hash8('ns/tool:v2')}`);
  });

  it('is deterministic across calls', () => {
    expect(toMcpToolName('get weather!')).toBe(toMcpToolName('get weather!'));
  });

  it('folds accents to ASCII and replaces other unicode per code point', () => {
    expect(toMcpToolName('café')).toBe(`cafe_${hash8('café')}`);
    expect(toMcpToolName('天気')).toBe(`___${hash8('天気')}`);
    expect(toMcpToolName('🔍search')).toBe(`_search_${hash8('🔍search')}`);
    expect(toMcpToolName('ｆｕｌｌ')).toBe(`full_${hash8('ｆｕｌｌ')}`);
  });

  it('shortens names over 64 characters to exactly 64, keeping long names with one prefix apart', () => {
    const first = `${'a'.repeat(150)}-one`;
    const second = `${'a'.repeat(150)}-two`;
    expect(toMcpToolName(first)).toBe(`${'a'.repeat(55)}_${hash8(first)}`);
    expect(toMcpToolName(first)).toHaveLength(64);
    expect(toMcpToolName(first)).not.toBe(toMcpToolName(second));
    expect(toMcpToolName('x'.repeat(65))).toHaveLength(64);
    expect(toMcpToolName('x'.repeat(65))).toBe(`${'x'.repeat(55)}_${hash8('x'.repeat(65))}`);
  });

  it('gives empty names, and names that clean up to nothing, a hash-based name', () => {
    expect(toMcpToolName('')).toBe(`tool_${hash8('')}`);
    expect(toMcpToolName('\u0301')).toBe(`tool_${hash8('\u0301')}`);
  });

  it('keeps names that clean up to the same text apart', () => {
    const names = ['a b', 'a/b', 'a:b', 'a\tb', 'a_b'].map(toMcpToolName);
    expect(new Set(names).size).toBe(5);
    expect(names[4]).toBe('a_b');
  });

  it('always produces a valid MCP tool name', () => {
    const inputs = [
      '',
      ' ',
      '\u0000',
      '\ud800',
      'Ω'.repeat(300),
      'a'.repeat(500),
      'tool name, with: punctuation?',
    ];
    for (const input of inputs) expect(isValidMcpToolName(toMcpToolName(input))).toBe(true);
  });
});

describe('publicToolName', () => {
  it('joins namespace and tool name with a dot', () => {
    expect(publicToolName('github', 'list_issues')).toBe('github.list_issues');
    expect(publicToolName('github', 'list issues')).toBe(`github.list_issues_${hash8('list issues')}`);
  });

  it('publishes the bare tool name for the empty namespace', () => {
    expect(publicToolName('', 'list_issues')).toBe('list_issues');
  });

  it('sanitises the namespace and keeps it to 32 characters, the whole to 64', () => {
    expect(publicToolName('my connector', 'x')).toBe(`my_connector_${hash8('my connector')}.x`);
    const name = publicToolName('n'.repeat(100), 't'.repeat(100));
    expect(name).toHaveLength(64);
    expect(name.split('.')[0]).toHaveLength(32);
    expect(isValidMcpToolName(name)).toBe(true);
  });
});
