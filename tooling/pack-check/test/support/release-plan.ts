import { PackCheckError } from './errors.js';
import type { PackageManifest } from './workspace-packages.js';

/** A semver bump as changesets names it. */
export type Bump = 'major' | 'minor' | 'patch';

const BUMP_ORDER: readonly Bump[] = ['patch', 'minor', 'major'];

/** `1.2.3` bumped: major → 2.0.0, minor → 1.3.0, patch → 1.2.4 (pre-release tags are not used here). */
export function bumpVersion(version: string, bump: Bump): string {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  if (bump === 'major') return `${major + 1}.0.0`;
  if (bump === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

/** The higher of two bumps. */
export function maxBump(a: Bump | undefined, b: Bump): Bump {
  return a !== undefined && BUMP_ORDER.indexOf(a) > BUMP_ORDER.indexOf(b) ? a : b;
}

/** The releases a changeset file asks for: its front matter's `"package": bump` lines. */
export function parseChangesetReleases(markdown: string, fileName: string): Map<string, Bump> {
  const frontMatter = /^---\r?\n([\s\S]*?)\r?\n---/.exec(markdown)?.[1];
  if (frontMatter === undefined) {
    throw new PackCheckError(
      'invalid_changeset',
      `${fileName} has no front matter; run \`pnpm changeset\` to make one.`,
    );
  }
  const releases = new Map<string, Bump>();
  for (const line of frontMatter.split(/\r?\n/).filter((text) => text.trim() !== '')) {
    const match = /^\s*["']?([^"':]+)["']?\s*:\s*(major|minor|patch)\s*$/.exec(line);
    if (match?.[1] === undefined || match[2] === undefined) {
      throw new PackCheckError('invalid_changeset', `${fileName}: cannot read the release line "${line}".`);
    }
    releases.set(match[1], match[2] as Bump);
  }
  return releases;
}

/**
 * The versions `changeset version` should produce under this repo's config (independent versions, private
 * packages unversioned, `updateInternalDependencies: "patch"`): each named package gets its highest bump, and
 * every publishable package that depends on a bumped one (dependencies or optionalDependencies, transitively) gets
 * at least a patch. Every other package keeps its version.
 */
export function expectedVersions(
  manifests: Iterable<PackageManifest>,
  releases: ReadonlyMap<string, Bump>,
): Map<string, string> {
  const all = [...manifests];
  const publishable = all.filter((manifest) => manifest.private !== true);
  const bumps = new Map(releases);
  const queue = [...releases.keys()];
  for (let index = 0; index < queue.length; index += 1) {
    const bumped = queue[index] ?? '';
    for (const dependent of publishable) {
      const ranges = { ...dependent.dependencies, ...dependent.optionalDependencies };
      if (ranges[bumped] !== undefined && !bumps.has(dependent.name)) {
        bumps.set(dependent.name, 'patch');
        queue.push(dependent.name);
      }
    }
  }
  return new Map(
    all.map((manifest) => {
      const bump = manifest.private === true ? undefined : bumps.get(manifest.name);
      return [manifest.name, bump === undefined ? manifest.version : bumpVersion(manifest.version, bump)];
    }),
  );
}

/** Publishable packages that list `name` in dependencies or optionalDependencies. */
export function directDependents(manifests: Iterable<PackageManifest>, name: string): PackageManifest[] {
  return [...manifests].filter(
    (manifest) =>
      manifest.private !== true &&
      (manifest.dependencies?.[name] !== undefined || manifest.optionalDependencies?.[name] !== undefined),
  );
}
