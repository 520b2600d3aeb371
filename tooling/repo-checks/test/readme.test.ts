import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
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

// docs/ and the app's folder READMEs point at each other and at the code: a moved file must not leave a dead link.
describe('the architecture docs', () => {
  const sourceDir = join(root, 'apps/mcp-host/src');
  const folderReadmes = readdirSync(sourceDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('README.md'))
    .map((file) => join(sourceDir, file));
  const docs = readdirSync(join(root, 'docs'))
    .filter((file) => file.endsWith('.md'))
    .map((file) => join(root, 'docs', file));

  it('gives every folder of the app a README', () => {
    const folders = readdirSync(sourceDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(entry.parentPath, entry.name));
    expect(folders.filter((folder) => !existsSync(join(folder, 'README.md')))).toEqual([]);
  });

  it.each([...docs, ...folderReadmes].map((file) => relative(root, file)))(
    '%s links only files that exist',
    (file) => {
      const text = readFileSync(join(root, file), 'utf8').replace(/```[\s\S]*?```/g, '');
      const targets = [...text.matchAll(/\]\(((?!https?:)[^)#\s]+)[^)]*\)/g)].map(
        (match) => match[1] as string,
      );
      expect(targets.filter((target) => !existsSync(join(root, dirname(file), target)))).toEqual([]);
    },
  );
});
