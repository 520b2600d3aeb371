import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const readText = (path: string) => readFileSync(join(root, path), 'utf8');
const rootManifest = JSON.parse(readText('package.json')) as {
  packageManager: string;
  engines: { node: string };
};

function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)].map((match) =>
    (match[1] ?? '').trim(),
  );
}

describe('the README and CI agree', () => {
  const readmeBlocks = shellBlocks(readText('README.md'));
  const ciCommand = readText('.ci/run')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#') && !/^(set|cd) /.test(line))
    .join('\n')
    .trim();

  it('opens with two commands: run the host, run every test', () => {
    expect(readmeBlocks.length).toBeGreaterThanOrEqual(2);
    expect(readmeBlocks[0]).toMatch(/ start$/);
    expect(readmeBlocks[1]).toMatch(/ test$/);
  });

  it('has .ci/run run exactly the README test command', () => {
    expect(ciCommand).toBe(readmeBlocks[1]);
  });

  it('pins in both commands the pnpm version that packageManager names', () => {
    const pnpmVersion = rootManifest.packageManager.replace(/^pnpm@/, '');
    for (const block of readmeBlocks.slice(0, 2)) {
      const pins = [...block.matchAll(/pnpm@([\w.-]+)/g)].map((match) => match[1]);
      expect(pins.length).toBeGreaterThan(0);
      expect(new Set(pins)).toEqual(new Set([pnpmVersion]));
    }
  });
});

describe('every publishable package', () => {
  const packageDirs = readdirSync(join(root, 'packages')).map((name) => join('packages', name));

  it.each(packageDirs)('%s has exports, files, engines, types and a README', (dir) => {
    const manifest = JSON.parse(readText(join(dir, 'package.json')));
    expect(manifest.name).toMatch(/^@cortex-mcp\//);
    expect(manifest.private).not.toBe(true);
    expect(manifest.exports['.'].import.default).toBe('./dist/index.js');
    expect(manifest.exports['.'].require.default).toBe('./dist/index.cjs');
    expect(manifest.files).toContain('dist');
    expect(manifest.engines.node).toBe(rootManifest.engines.node);
    expect(manifest.publishConfig.access).toBe('public');
    const readme = readText(join(dir, 'README.md'));
    expect(readme).toContain(`npm install ${manifest.name}`);
    expect(existsSync(join(root, dir, 'test'))).toBe(true);
  });
});
