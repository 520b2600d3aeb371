// What the built CLI loads before the connect phase. A warm start answers its first tools/list from these chunks
// alone, so nothing that only the connect phase needs may reach them: a folder's door that re-exports a module
// importing the connector proxy, undici or prom-client drags all of it onto the start-up path (the bundle is not
// tree-shaken), and the warm start pays for it. Build first: `pnpm exec tsup`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../../dist', import.meta.url));

interface Chunk {
  readonly staticImports: readonly string[];
  readonly sources: readonly string[];
}

function readChunks(): Map<string, Chunk> {
  const chunks = new Map<string, Chunk>();
  for (const file of readdirSync(dist).filter((name) => name.endsWith('.js'))) {
    const text = readFileSync(join(dist, file), 'utf8');
    const staticImports = [
      ...text.matchAll(/^(?:import|export)\b[^;]*?from\s*"\.\/([^"]+)"|^import\s*"\.\/([^"]+)"/gm),
    ]
      .map((match) => match[1] ?? match[2])
      .filter((name): name is string => name !== undefined);
    const map = JSON.parse(readFileSync(join(dist, `${file}.map`), 'utf8')) as { sources: string[] };
    chunks.set(file, { staticImports, sources: map.sources });
  }
  return chunks;
}

/** Every source file in the chunks loaded statically from `entries`. */
function statically(chunks: Map<string, Chunk>, entries: readonly string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !chunks.has(file)) return;
    seen.add(file);
    for (const next of (chunks.get(file) as Chunk).staticImports) visit(next);
  };
  for (const entry of entries) visit(entry);
  return [...seen].flatMap((file) => (chunks.get(file) as Chunk).sources);
}

function chunkOf(chunks: Map<string, Chunk>, source: string): string {
  const found = [...chunks].find(([, chunk]) => chunk.sources.some((path) => path.endsWith(source)));
  if (!found) throw new Error(`no chunk bundles ${source}: build the CLI first (pnpm exec tsup)`);
  return found[0];
}

describe('the built CLI', () => {
  const chunks = readChunks();

  it('serves a warm start without loading the connect phase: no manager, connector proxy, undici or prom-client', () => {
    const sources = statically(chunks, ['cli.js', chunkOf(chunks, 'src/commands/host-commands.ts')]);
    expect(sources.some((path) => path.endsWith('src/startup/warm-catalogue.ts'))).toBe(true);
    const connectPhaseOnly = sources.filter((path) =>
      /\/src\/(manager|upstream)\/|connector-proxy\/|\/undici\/|\/prom-client\/|\/pino\/|\/ajv\//.test(path),
    );
    expect(connectPhaseOnly).toEqual([]);
  });

  it('answers --help without zod or the MCP SDK', () => {
    const sources = statically(chunks, ['cli.js']);
    expect(sources.filter((path) => /\/zod\/|@modelcontextprotocol/.test(path))).toEqual([]);
  });
});
