import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The root README must not drift from the workspace: every package it should link, every setting it names.
const root = resolve(import.meta.dirname, '../../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('the root README', () => {
  it.each(readdirSync(join(root, 'packages')))('links packages/%s with its npm name', (dir) => {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as {
      name: string;
    };
    expect(readme).toContain(`[\`${manifest.name}\`](packages/${dir})`);
  });

  it('names only settings that the configuration reference documents', () => {
    const reference = readFileSync(join(root, 'docs/configuration.md'), 'utf8');
    const named = new Set(readme.match(/\b(?:MCP|CONNECTORS)_[A-Z0-9_]+\b/g) ?? []);
    expect(named.size).toBeGreaterThan(5);
    const undocumented = [...named].filter((name) => !reference.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
  });

  it('has a mermaid diagram of the pipeline', () => {
    expect(readme).toMatch(/```mermaid\nflowchart/);
  });

  it('links only files that exist', () => {
    const targets = [...readme.matchAll(/\]\(((?!https?:)[^)#]+)\)/g)].map((match) => match[1] as string);
    expect(targets.length).toBeGreaterThan(5);
    expect(targets.filter((target) => !existsSync(join(root, target)))).toEqual([]);
  });
});
