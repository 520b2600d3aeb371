import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PackCheckError } from './errors.js';

/** The fields of a package.json that the checks read. */
export interface PackageManifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
}

/** A package under packages/ that is published to npm and has been built. */
export interface PublishablePackage {
  readonly name: string;
  readonly version: string;
  /** Absolute path of the package folder. */
  readonly dir: string;
  /** Path relative to the workspace root, e.g. `packages/manifest-cache`. */
  readonly relativeDir: string;
  readonly manifest: PackageManifest;
}

/** A folder under packages/ that the checks leave out, and why. */
export interface SkippedPackage {
  readonly relativeDir: string;
  readonly name: string;
  readonly reason: string;
}

/** The publishable packages found under packages/, and the ones left out. */
export interface DiscoveredPackages {
  readonly publishable: readonly PublishablePackage[];
  readonly skipped: readonly SkippedPackage[];
}

/** The monorepo root: four levels up from this file (tooling/pack-check/test/support). */
export function findWorkspaceRoot(): string {
  const root = resolve(import.meta.dirname, '../../../..');
  if (!existsSync(join(root, 'pnpm-workspace.yaml'))) {
    throw new PackCheckError(
      'workspace_not_found',
      `Expected the workspace root (with pnpm-workspace.yaml) at ${root}; pack-check must live in tooling/pack-check.`,
    );
  }
  return root;
}

/** Read and parse a package.json. */
export function readManifest(path: string): PackageManifest {
  return JSON.parse(readFileSync(path, 'utf8')) as PackageManifest;
}

/**
 * List packages/*\/package.json. The list is read, not hard-coded, so a new package is checked as soon as it exists.
 * Private packages are left out, and so is a package without dist/ (not built yet: in CI turbo builds every
 * workspace dependency of pack-check first, so only a package missing from its devDependencies lands here).
 */
export function discoverPublishablePackages(root: string): DiscoveredPackages {
  const publishable: PublishablePackage[] = [];
  const skipped: SkippedPackage[] = [];
  for (const entry of readdirSync(join(root, 'packages'), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const relativeDir = `packages/${entry.name}`;
    const dir = join(root, relativeDir);
    if (!existsSync(join(dir, 'package.json'))) continue;
    const manifest = readManifest(join(dir, 'package.json'));
    if (manifest.private === true) {
      skipped.push({ relativeDir, name: manifest.name, reason: 'private' });
    } else if (!existsSync(join(dir, 'dist'))) {
      skipped.push({ relativeDir, name: manifest.name, reason: 'no dist/ yet: build it first' });
    } else {
      publishable.push({ name: manifest.name, version: manifest.version, dir, relativeDir, manifest });
    }
  }
  publishable.sort((a, b) => a.name.localeCompare(b.name));
  return { publishable, skipped };
}

/** Every package.json in the workspace (root excluded), keyed by path relative to the root. */
export function listWorkspaceManifests(root: string): Map<string, PackageManifest> {
  const manifests = new Map<string, PackageManifest>();
  for (const parent of workspaceParentFolders(root)) {
    const parentDir = join(root, parent);
    if (!existsSync(parentDir)) continue;
    for (const entry of readdirSync(parentDir, { withFileTypes: true })) {
      const relativePath = `${parent}/${entry.name}/package.json`;
      if (entry.isDirectory() && existsSync(join(root, relativePath))) {
        manifests.set(relativePath, readManifest(join(root, relativePath)));
      }
    }
  }
  return manifests;
}

/**
 * The folders whose children are workspace packages, read from pnpm-workspace.yaml. Only `folder/*` globs are
 * understood; that is all this repo uses, and anything else fails loudly rather than silently missing packages.
 */
export function workspaceParentFolders(root: string): string[] {
  const text = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const section = text.split(/^packages:\s*$/m)[1]?.split(/^\S/m)[0] ?? '';
  const globs = [...section.matchAll(/^\s*-\s*['"]?([^'"\s#]+)['"]?/gm)].map((match) => match[1] ?? '');
  return globs.map((glob) => {
    const parent = /^([\w.-]+)\/\*$/.exec(glob)?.[1];
    if (parent === undefined) {
      throw new PackCheckError(
        'unsupported_workspace_glob',
        `pnpm-workspace.yaml lists "${glob}"; pack-check only understands "folder/*" globs. Extend workspaceParentFolders.`,
      );
    }
    return parent;
  });
}
