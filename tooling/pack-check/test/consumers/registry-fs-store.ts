// A user's module against @cortex-mcp/registry-fs-store's published types (which pull in zod's); pack-check
// type-checks it in the scratch project under node16 (ESM and CJS) and bundler resolution. Never run.
import {
  parseRegistryText,
  RegistryMemoryCache,
  RegistryStoreError,
  resolveRegistryPath,
  type ServerInfo,
  type ServerInfoInput,
  ServerInfoSchema,
} from '@cortex-mcp/registry-fs-store';

const input: ServerInfoInput = {
  name: 'local-files',
  transport: 'stdio',
  command: 'mcp-files',
  args: ['--root', '.'],
};

export const validated: ServerInfo = ServerInfoSchema.parse(input);
// @ts-expect-error parse returns a ServerInfo (zod's inferred type); fails if zod's types do not resolve.
export const numericName: number = ServerInfoSchema.parse(input).name;
export const registry = new RegistryMemoryCache({
  registryPath: resolveRegistryPath({ CORTEX_HOME: '/tmp/cortex' }),
  flushIntervalMs: 1_000,
});
export const stored: ServerInfo = registry.upsert(input);

const parsed = parseRegistryText('{"version":1,"servers":[]}');
export const servers: readonly ServerInfo[] = parsed.kind === 'ok' ? parsed.servers : [];

export function failedPath(error: unknown): string | undefined {
  return error instanceof RegistryStoreError ? error.registryPath : undefined;
}

// @ts-expect-error a stdio server needs a command; fails to compile if the types degrade to `any`.
export const withoutCommand: ServerInfoInput = { name: 'x', transport: 'stdio' };
