import {
  ErrorCode,
  ListPromptsResultSchema,
  ListResourcesResultSchema,
  ListResourceTemplatesResultSchema,
  ListToolsResultSchema,
  McpError,
  type ServerCapabilities,
} from '@modelcontextprotocol/sdk/types.js';
import type { CatalogueKind, UpstreamCatalogue } from './catalogue-kinds.js';
import { toRequestError } from './error-mapping.js';
import { describeError } from './errors.js';
import { listAllPages, type PagedList } from './paged-listing.js';
import type { Session } from './session.js';

interface KindList extends PagedList {
  /** The capability that says the upstream offers this list. */
  capability: 'tools' | 'resources' | 'prompts';
}

const LISTS: Record<CatalogueKind, KindList> = {
  tools: {
    method: 'tools/list',
    key: 'tools',
    noun: 'tool',
    check: ListToolsResultSchema,
    capability: 'tools',
  },
  resources: {
    method: 'resources/list',
    key: 'resources',
    noun: 'resource',
    check: ListResourcesResultSchema,
    capability: 'resources',
  },
  resourceTemplates: {
    method: 'resources/templates/list',
    key: 'resourceTemplates',
    noun: 'resource template',
    check: ListResourceTemplatesResultSchema,
    capability: 'resources',
  },
  prompts: {
    method: 'prompts/list',
    key: 'prompts',
    noun: 'prompt',
    check: ListPromptsResultSchema,
    capability: 'prompts',
  },
};

/** What listing needs from the proxy. */
export interface ListingContext {
  connectorId: string;
  /** Bound on each page request, in ms. */
  timeoutMs: number;
  /** Called with the raw error of every failed request, before it is mapped (the connection check). */
  afterFailure(session: Session, error: unknown): void;
  debug(fields: object, message: string): void;
}

/**
 * Lists one kind, every page of it, whatever the upstream advertises.
 *
 * @throws {ConnectorProxyError} as `toRequestError` maps a failed request, or `protocol` for broken pagination.
 */
export async function listKind<K extends CatalogueKind>(
  session: Session,
  kind: K,
  context: ListingContext,
): Promise<UpstreamCatalogue[K]> {
  const list = LISTS[kind];
  try {
    const items = await listAllPages(session.client, list, context.connectorId, context.timeoutMs);
    // Each page was checked against the kind's SDK schema, so its items are of the kind's type.
    return items as UpstreamCatalogue[K];
  } catch (error) {
    context.afterFailure(session, error);
    throw toRequestError(context.connectorId, list.method, error);
  }
}

/**
 * Lists one kind if the upstream advertises it: a kind it does not advertise is `[]` without a request, and so is
 * one whose list method it answers with -32601 (method not found) despite advertising it.
 */
export async function listAdvertisedKind<K extends CatalogueKind>(
  session: Session,
  kind: K,
  context: ListingContext,
): Promise<UpstreamCatalogue[K]> {
  const list = LISTS[kind];
  if (!advertises(session.client.getServerCapabilities(), list.capability)) return [];
  try {
    return await listKind(session, kind, context);
  } catch (error) {
    if (!(error instanceof Error && isMethodNotFound(error.cause))) throw error;
    context.debug(
      { method: list.method, err: describeError(error.cause) },
      'the upstream advertises this list but does not answer it; treating it as empty',
    );
    return [];
  }
}

/** Lists every kind the upstream advertises, all four concurrently. */
export async function listCatalogue(session: Session, context: ListingContext): Promise<UpstreamCatalogue> {
  const [tools, resources, resourceTemplates, prompts] = await Promise.all([
    listAdvertisedKind(session, 'tools', context),
    listAdvertisedKind(session, 'resources', context),
    listAdvertisedKind(session, 'resourceTemplates', context),
    listAdvertisedKind(session, 'prompts', context),
  ]);
  return { tools, resources, resourceTemplates, prompts };
}

function advertises(capabilities: ServerCapabilities | undefined, capability: KindList['capability']) {
  return Boolean(capabilities?.[capability]);
}

function isMethodNotFound(error: unknown): boolean {
  return error instanceof McpError && error.code === ErrorCode.MethodNotFound;
}
